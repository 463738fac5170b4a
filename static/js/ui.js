// Tiny DOM helpers shared by the pages.
import { t, currentLanguage, LANGUAGES, MESSAGES, setLanguage } from "./i18n.js";

/** The parts worth drawing, arrays flattened: null, undefined and false are left out, for
 * the DOM's append and replaceChildren would write them as the text "null", "undefined",
 * "false" (`cond ? h(…) : null` is how a page leaves a part out). */
function present(parts) {
  return parts.flat(Infinity).filter((part) => part !== null && part !== undefined && part !== false);
}

/** Replace `el`'s children with `parts`, leaving out the empty ones (see `present`). */
export function fill(el, ...parts) {
  el.replaceChildren(...present(parts));
}

/** h("div", {class: "x", onclick}, child, …): an element; strings become text nodes,
 * empty children (see `present`) are left out. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of present(children)) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Text that comes from the competition (names, ids): never translated. */
export function data(tag, text, attrs = {}) {
  return h(tag, { ...attrs, translate: "no" }, text);
}

/** A message whose {placeholders} hold competition data (names): those parts are marked
 * translate="no", the message's own words are not. */
export function tdata(key, params = {}) {
  const one = Number(params.n) === 1 && MESSAGES[`${key}_one`] ? `${key}_one` : key; // as t() picks
  const text = (MESSAGES[one]?.[currentLanguage()] ?? t(one));
  const span = h("span", {});
  for (const [i, part] of text.split(/\{(\w+)\}/).entries()) {
    if (i % 2 === 0) span.append(part);
    else span.append(data("span", String(params[part] ?? "")));
  }
  return span;
}

let toastTimer = null;
let toastShown = 0; // which call's message the toast holds

/** A short message at the bottom of the page (errors in red). Returns a function that
 * takes the message away early, once what it said no longer holds; it does nothing
 * if another message has taken its place. */
export function toast(message, kind = "error") {
  let el = document.querySelector(".toast");
  if (!el) {
    el = h("div", { class: "toast", role: "status", "aria-live": "polite" });
    document.body.append(el);
  }
  el.className = `toast ${kind}`;
  el.replaceChildren(message);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => el.remove(), 6000);
  const shown = ++toastShown;
  return () => {
    if (shown !== toastShown) return;
    clearTimeout(toastTimer);
    el.remove();
  };
}

/** A button switching between the page's languages. */
export function languageSwitch(languages) {
  const allowed = languages?.length ? LANGUAGES.filter((l) => languages.includes(l)) : LANGUAGES;
  // a language is named in itself ("中文" on an English page): never translated
  const button = h("button", { class: "lang-switch", type: "button", "data-testid": "lang", translate: "no" });
  const render = () => {
    const next = allowed.find((l) => l !== currentLanguage()) ?? currentLanguage();
    button.textContent = t(`lang.${next}`);
    button.setAttribute("aria-label", t("lang.switch"));
    button.hidden = allowed.length < 2;
    button.onclick = () => setLanguage(next);
  };
  render();
  button.render = render;
  return button;
}

/** Ask once before a destructive action; resolves true when confirmed. */
export function confirmOnce(message, confirmLabel, { ready = null } = {}) {
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { "data-testid": "confirm" },
      h("p", {}, message),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", class: "secondary", value: "no" }, t("action.cancel")),
        h("button", { type: "button", class: "danger", value: "yes" }, confirmLabel ?? t("action.confirm")),
      ),
    );
    dialog.addEventListener("click", (e) => {
      if (e.target instanceof HTMLButtonElement) dialog.close(e.target.value);
    });
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "yes");
      dialog.remove();
    });
    if (ready) { // confirmed only once what the message asks for is given
      const confirm = dialog.querySelector("button.danger");
      const check = () => { confirm.disabled = !ready(); };
      dialog.addEventListener("input", check);
      check();
    }
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector("button.secondary").focus();
  });
}

/** The competition `cid` is not on this server (a mistyped address, or a QR code of
 * another server's): in place of the page's `content`, say so with a link to those that
 * are, hide the connection pill (no socket follows a competition that is not here), and
 * name the tab `title`. A page calls it again when the language changes. */
export function showMissingCompetition(cid, { content, title }) {
  document.title = title;
  document.getElementById("conn")?.classList.add("hidden");
  content.replaceChildren(h("section", { class: "card missing", "data-testid": "missing", role: "alert" },
    h("h2", {}, tdata("error.no_competition", { cid })),
    h("p", {}, h("a", { href: "/" }, t("error.see_competitions")))));
}

/** The server refused this page's token (revoked or mistyped): forget it and open the
 * page again at its sign-in form, which then says why (`refusedNote`). */
export function signInAgain(storageKey) {
  sessionStorage.removeItem(storageKey);
  history.replaceState(null, "", `${location.pathname}${location.search}#refused`);
  location.reload();
}

/** Above a sign-in form opened by `signInAgain`: why it is asked for again. */
export function refusedNote() {
  return location.hash === "#refused"
    ? h("p", { class: "refused", role: "alert", "data-testid": "refused" }, t("login.refused"))
    : null;
}

/** The connection pill: live, connecting, unsaved (the server cannot save), or stale with the time of the last data. */
export function connectionText(status, since) {
  if (status === "stale") {
    const time = since ? since.toLocaleTimeString(currentLanguage(), { hour12: false }) : "—";
    return t("conn.stale", { time });
  }
  return t(`conn.${status}`);
}
