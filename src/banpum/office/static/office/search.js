// "/" puts the cursor in the office's search box (unless one is typing somewhere already).
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  var tag = target && target.tagName ? target.tagName.toLowerCase() : "";
  if (tag === "input" || tag === "textarea" || tag === "select" || (target && target.isContentEditable)) return;
  var box = document.getElementById("order-search") || document.getElementById("global-search");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
