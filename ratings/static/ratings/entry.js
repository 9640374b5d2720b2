// The round entry table: Enter moves to the next box instead of submitting
// (the form's disabled default button already stops implicit submission;
// the bulk review's boxes are skipped),
// and each row shows its running total while it is typed.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("entry-form");
  if (!form) return;

  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    event.preventDefault();
    const boxes = Array.from(form.querySelectorAll("input:not([type=hidden]):not([type=checkbox]):not([disabled])"));
    const next = boxes[boxes.indexOf(event.target) + 1];
    if (next) next.focus();
  });

  form.addEventListener("input", (event) => {
    const row = event.target.closest("tr[data-party]");
    if (!row) return;
    let total = 0;
    let complete = true;
    row.querySelectorAll("input.points").forEach((box) => {
      const text = box.value.trim();
      if (!/^\d+$/.test(text)) { complete = false; return; }
      total += Number(text);
    });
    const out = row.querySelector("[data-live-total]");
    if (out) out.textContent = complete ? String(total) : "";
  });
});
