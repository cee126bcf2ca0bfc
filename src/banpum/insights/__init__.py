"""Return rates, reasons, carriers, cycle times and money, from summary tables built by a job."""
