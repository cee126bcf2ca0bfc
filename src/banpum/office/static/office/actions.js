// The return list's "select all" box: ticks every row's box on the page. Without it each box
// is ticked by hand; nothing else depends on this file.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.classList.contains("select-all")) return;
  const table = box.closest("table");
  if (!table) return;
  table.querySelectorAll('tbody input[type="checkbox"][name="selected"]').forEach((row) => {
    row.checked = box.checked;
  });
});
