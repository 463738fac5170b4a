// The message catalogue (zh-CN and en) and the page's language.
//
// Every visible string of every page comes from MESSAGES. The language is, in
// order: ?lang= in the address, the one chosen with the switch (kept in
// localStorage), the browser's preference, the competition's first language —
// always one the competition offers.

export const LANGUAGES = ["zh-CN", "en"];
const STORE_KEY = "leitai.lang";

export const MESSAGES = {
  "lang.zh-CN": { "zh-CN": "中文", en: "中文" },
  "lang.en": { "zh-CN": "English", en: "English" },
  "lang.switch": { "zh-CN": "切换语言", en: "Switch language" },

  "conn.live": { "zh-CN": "实时", en: "Live" },
  "conn.connecting": { "zh-CN": "正在连接…", en: "Connecting…" },
  "conn.stale": { "zh-CN": "连接中断 · 数据截至 {time}", en: "Connection lost · data as of {time}" },

  "error.offline": { "zh-CN": "无法连接服务器", en: "Cannot reach the server" },
  "error.http": { "zh-CN": "服务器返回错误 {status}", en: "The server answered {status}" },
  "error.no_setup": { "zh-CN": "服务器未提供赛事设置", en: "The server does not provide the competition's set-up" },

  "action.cancel": { "zh-CN": "取消", en: "Cancel" },
  "action.confirm": { "zh-CN": "确定", en: "Confirm" },

  "status.scored": { "zh-CN": "已评", en: "Scored" },
  "status.incomplete": { "zh-CN": "评分不足", en: "Incomplete" },
  "status.withheld": { "zh-CN": "暂缓", en: "Withheld" },
  "status.pending": { "zh-CN": "待揭晓", en: "Pending" },
  "status.withdrawn": { "zh-CN": "弃权", en: "Withdrawn" },
  "status.disqualified": { "zh-CN": "取消资格", en: "Disqualified" },

  "drop.trimmed_low": { "zh-CN": "去掉最低分", en: "Lowest dropped" },
  "drop.trimmed_high": { "zh-CN": "去掉最高分", en: "Highest dropped" },
  "drop.not_closest": { "zh-CN": "偏离较大，未计入", en: "Furthest, not counted" },

  "screen.page_title": { "zh-CN": "大屏", en: "Screen" },
  "screen.provisional": { "zh-CN": "暂定成绩", en: "Provisional" },
  "screen.on_stage": { "zh-CN": "正在比赛", en: "On stage" },
  "screen.result": { "zh-CN": "成绩揭晓", en: "Result" },
  "screen.waiting": { "zh-CN": "请稍候，比赛即将继续", en: "The next contestant will be on shortly" },
  "screen.scored_of": { "zh-CN": "{n}/{m} 位评委已评分", en: "{n} of {m} judges have scored" },
  "screen.state_called": { "zh-CN": "候场", en: "Called" },
  "screen.state_scoring": { "zh-CN": "评分中", en: "Scoring" },
  "screen.state_closed": { "zh-CN": "评分结束", en: "Scoring closed" },
  "screen.state_revealed": { "zh-CN": "成绩已揭晓", en: "Revealed" },
  "screen.group_rank": { "zh-CN": "{group}第 {rank} 名", en: "{group}: rank {rank}" },
  "screen.overall_rank": { "zh-CN": "总排名第 {rank} 名", en: "Overall rank {rank}" },
  "screen.overall": { "zh-CN": "总排行榜", en: "Overall" },
  "screen.page": { "zh-CN": "第 {n}/{m} 页", en: "Page {n} of {m}" },
  "screen.scan": { "zh-CN": "扫码用手机看实时榜单", en: "Scan to follow the board on your phone" },
  "screen.awards": { "zh-CN": "获奖名单", en: "Awards" },
  "screen.awards_next": { "zh-CN": "按空格键揭晓下一奖项", en: "Press Space for the next award" },
};

let language = null;
let allowed = LANGUAGES;
const listeners = [];

function fromBrowser() {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return null;
}

/** Settle the language among `languages` (the competition's; null: both). */
export function chooseLanguage(languages) {
  allowed = languages?.length ? LANGUAGES.filter((l) => languages.includes(l)) : LANGUAGES;
  if (!allowed.length) allowed = LANGUAGES;
  const asked = new URLSearchParams(location.search).get("lang");
  let stored = null;
  try { stored = localStorage.getItem(STORE_KEY); } catch { stored = null; }
  const pick = [asked, stored, fromBrowser(), languages?.[0]].find((l) => l && allowed.includes(l)) ?? allowed[0];
  const changed = pick !== language;
  language = pick;
  document.documentElement.lang = language;
  if (changed) for (const fn of listeners) fn(language);
  return language;
}

export function currentLanguage() {
  return language ?? chooseLanguage(null);
}

/** Switch and remember the choice. */
export function setLanguage(next) {
  if (!allowed.includes(next)) return;
  try { localStorage.setItem(STORE_KEY, next); } catch { /* private mode: not kept */ }
  const url = new URL(location.href);
  if (url.searchParams.has("lang")) {
    url.searchParams.set("lang", next);
    history.replaceState(null, "", url);
  }
  language = next;
  document.documentElement.lang = next;
  for (const fn of listeners) fn(next);
}

export function onLanguage(fn) {
  listeners.push(fn);
}

/** The message `key` in the current language, with {name} placeholders filled. */
export function t(key, params = {}) {
  const entry = MESSAGES[key];
  if (!entry) {
    console.error(`i18n: no message ${key}`);
    return key;
  }
  const text = entry[currentLanguage()] ?? entry.en;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

/** A competition label ({"zh-CN": …, "en": …}) in the current language, else the other. */
export function label(value) {
  if (!value) return "";
  if (typeof value === "string") return value;
  return value[currentLanguage()] || value["zh-CN"] || value.en || "";
}

/** Fill the elements marked data-i18n (text), data-i18n-placeholder, data-i18n-aria-label. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
}
