"""SMS and KakaoTalk 알림톡: the gateway protocol, the Solapi adapter and the simulator."""
