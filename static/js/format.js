// Scores arrive from the server as decimal strings ("91.35"). They are never
// turned into floats: arithmetic happens on scaled BigInts, display on strings.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Parse "91.35" into {units: 9135n, scale: 2}; null when not a decimal. */
export function parseDecimal(text) {
  const m = DECIMAL.exec(String(text).trim());
  if (!m) return null;
  const frac = m[3] || "";
  const units = BigInt(m[2] + frac) * (m[1] ? -1n : 1n);
  return { units, scale: frac.length };
}

function rescale(d, scale) {
  return d.units * 10n ** BigInt(scale - d.scale);
}

export function compare(a, b) {
  const s = Math.max(a.scale, b.scale);
  const x = rescale(a, s), y = rescale(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function add(a, b) {
  const s = Math.max(a.scale, b.scale);
  return { units: rescale(a, s) + rescale(b, s), scale: s };
}

export function multiply(a, b) {
  return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Round half away from zero (the competition default, half-up) to `places`. */
export function roundTo(d, places) {
  if (d.scale <= places) return { units: rescale(d, places), scale: places };
  const drop = 10n ** BigInt(d.scale - places);
  const negative = d.units < 0n;
  const abs = negative ? -d.units : d.units;
  let q = abs / drop;
  if ((abs % drop) * 2n >= drop) q += 1n;
  return { units: negative ? -q : q, scale: places };
}

export function toText(d) {
  const negative = d.units < 0n;
  let digits = (negative ? -d.units : d.units).toString().padStart(d.scale + 1, "0");
  if (d.scale > 0) digits = `${digits.slice(0, -d.scale)}.${digits.slice(-d.scale)}`;
  return (negative ? "-" : "") + digits;
}

/** A server decimal shown with the competition's `decimals`; "—" for none. */
export function formatScore(value, decimals) {
  if (value === null || value === undefined || value === "") return "—";
  const d = parseDecimal(value);
  if (d === null) return String(value);
  return toText(roundTo(d, decimals));
}

/** The steps of a count-up from zero to `value`, as display strings (`steps` + 1 of them). */
export function countUp(value, decimals, steps) {
  const target = roundTo(parseDecimal(value), decimals);
  const out = [];
  for (let i = 0; i <= steps; i += 1) {
    // ease-out: quick at first, slowing into the final figure
    const done = 1 - (1 - i / steps) ** 3;
    const k = BigInt(Math.round(done * 1000));
    out.push(toText({ units: (target.units * k) / 1000n, scale: target.scale }));
  }
  out[steps] = toText(target);
  return out;
}

/** A judge's total: Σ weight × points, exact. */
export function weightedTotal(criteria, points) {
  let total = { units: 0n, scale: 0 };
  for (const c of criteria) {
    const p = parseDecimal(points[c.key] ?? "");
    if (p === null) return null;
    total = add(total, multiply(parseDecimal(c.weight ?? "1"), p));
  }
  return total;
}

/** The places a judge's total is shown with, as the exports print it (`total_places` in
 * server/exports/table.py): the scoresheet's places plus the most places of a weight
 * (Σ weight × points has no more), never fewer than the competition's `decimals`, so that
 * 79.10 stands beside 81.89 and not 79.1. `setup` is the setup view. (A normalised total,
 * which the setup does not announce, may have more: `padScore` keeps them.) */
export function totalPlaces(setup) {
  const weights = (setup?.criteria ?? []).map((c) => parseDecimal(trimText(parseDecimal(c.weight ?? "1"))).scale);
  return Math.max(setup?.decimals ?? 0, (setup?.places ?? 0) + Math.max(0, ...weights));
}

/** A decimal (a server string, or one of ours) with zeros added up to `places`, never
 * rounded: an exact total keeps every place it has. "—" for none. */
export function padScore(value, places) {
  if (value === null || value === undefined || value === "") return "—";
  const d = typeof value === "object" ? value : parseDecimal(value);
  if (d === null) return String(value);
  return toText(roundTo(d, Math.max(places, d.scale)));
}

/** Trailing zeros off ("47.750" → "47.75"), for exact totals. */
export function trimText(d) {
  let text = toText(d);
  if (text.includes(".")) text = text.replace(/0+$/, "").replace(/\.$/, "");
  return text;
}

/** Why `text` is not a valid mark for criterion `c` with `places` decimals, or null. */
export function markProblem(text, maximum, places) {
  const t = String(text).trim();
  if (t === "") return "mark.empty";
  const m = /^(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) return "mark.not_number";
  if ((m[2] || "").length > places) return places === 0 ? "mark.whole" : "mark.places";
  if (compare(parseDecimal(t), parseDecimal(String(maximum))) > 0) return "mark.too_high";
  return null;
}
