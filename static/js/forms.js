// Forms drawn again from live data without taking what the user is typing.

const followed = new WeakSet(); // the parts whose input is watched
const touched = new WeakSet(); // the controls the user has put something in

/** Each control of `el` by its place: the nth control of the nth <details> (or of
 * `el`, outside any), with its kind, since a part drawn again from newer data keeps
 * its forms and their fields in the same order. */
function places(el) {
  const forms = [...el.querySelectorAll("details")];
  const counts = new Map();
  const controls = new Map();
  for (const control of el.querySelectorAll("input, select, textarea")) {
    const form = forms.indexOf(control.closest("details"));
    const n = counts.get(form) ?? 0;
    counts.set(form, n + 1);
    controls.set(`${form}/${n}/${control.tagName}/${control.type}`, control);
  }
  return { forms, controls };
}

const ticked = (control) => control.type === "checkbox" || control.type === "radio";

/** Draw `el` again with `draw()`, keeping what the user has done there: the value of
 * each field they filled or chose (a choice no longer offered is dropped, the new
 * drawing's default then stands), which forms are open, and the focus with its
 * caret. Fields left alone take the new drawing's defaults (the contestant on stage
 * now). A value put back is announced as `input` and `change`, as when it was
 * chosen, so what depends on it follows (the judges fitted to a contestant); the
 * fields are put back twice, since such a list is fitted only by a later field. */
export function redrawKeeping(el, draw) {
  if (!followed.has(el)) {
    followed.add(el);
    for (const type of ["input", "change"]) el.addEventListener(type, (e) => touched.add(e.target), true);
  }
  const before = places(el);
  const open = before.forms.map((form) => form.open);
  const kept = [...before.controls].filter(([, c]) => touched.has(c) && c.type !== "file")
    .map(([key, c]) => [key, ticked(c) ? c.checked : c.value]);
  const active = document.activeElement;
  const focused = [...before.controls].find(([, c]) => c === active)?.[0];
  const caret = focused && typeof active.selectionStart === "number"
    ? [active.selectionStart, active.selectionEnd, active.selectionDirection] : null;
  draw();
  const after = places(el);
  after.forms.forEach((form, i) => { if (open[i]) form.open = true; });
  const putBack = (announce) => {
    for (const [key, value] of kept) {
      const control = after.controls.get(key);
      if (!control) continue;
      touched.add(control); // kept at the next drawing too
      if ((ticked(control) ? control.checked : control.value) === value) continue;
      if (control.tagName === "SELECT" && ![...control.options].some((o) => o.value === value)) continue;
      if (ticked(control)) control.checked = value;
      else control.value = value;
      if (!announce) continue;
      control.dispatchEvent(new Event("input", { bubbles: true }));
      control.dispatchEvent(new Event("change", { bubbles: true }));
    }
  };
  putBack(true);
  putBack(false);
  const target = focused && after.controls.get(focused);
  if (!target || el.contains(document.activeElement)) return;
  target.focus({ preventScroll: true });
  if (caret) {
    try {
      target.setSelectionRange(...caret);
    } catch {
      // a field without a caret (a number, a choice)
    }
  }
}
