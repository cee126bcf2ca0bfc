// The message editor's variable chips: a click (or Enter/Space) writes "{name}" where the cursor
// was in the text or subject field, and tells htmx the field changed so the preview follows.
// Without this file the chips are plain text to copy.
(() => {
  let last = null;
  document.addEventListener("focusin", (event) => {
    const field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-accepts-variables")) last = field;
  });

  const insert = (chip) => {
    const form = chip.closest("form");
    const field = last && form && form.contains(last) ? last : form && form.querySelector("textarea[data-accepts-variables]");
    if (!field) return;
    const text = "{" + chip.dataset.variable + "}";
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    field.focus();
    field.setRangeText(text, start, end, "end");
    field.dispatchEvent(new Event("input", { bubbles: true }));
  };

  const upgrade = () => {
    document.querySelectorAll("code.chip[data-variable]").forEach((chip) => {
      chip.setAttribute("role", "button");
      chip.setAttribute("tabindex", "0");
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", upgrade);
  else upgrade();

  // Keep the cursor where it was: a chip takes no focus from the field on mouse down.
  document.addEventListener("mousedown", (event) => {
    if (event.target instanceof Element && event.target.closest("code.chip[data-variable]")) event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const chip = event.target instanceof Element && event.target.closest("code.chip[data-variable]");
    if (chip) insert(chip);
  });
  document.addEventListener("keydown", (event) => {
    const chip = event.target instanceof Element && event.target.closest("code.chip[data-variable]");
    if (!chip || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    insert(chip);
  });
})();
