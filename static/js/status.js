// How a result's status is said on every page: the status, or, for a result left
// incomplete for want of a prior score (docs/rules.md §7), which score it lacks: the
// judges did nothing wrong, and "insufficient scores" would say they had.
import { label, t } from "./i18n.js";
import { tdata } from "./ui.js";

/** The labels of the prior scores (an expert review …) a board row lacks: its composite's
 * terms other than the live score that have no value. Only an incomplete row is asked:
 * a pending or withheld one has no values at all. */
export function missingPriors(row) {
  if (row?.status !== "incomplete") return [];
  return (row.components ?? []).filter((c) => c.source !== "live" && c.value === null).map((c) => label(c.label) || c.source);
}

/** A board row's status as shown: text, or an element when it names the competition's own
 * label for the missing score (缺专家评审 / Expert review missing). */
export function statusText(row) {
  const lacking = missingPriors(row);
  if (lacking.length) return tdata("status.lacks", { sources: lacking.join(t("list.separator")) });
  return t(`status.${row.status}`);
}
