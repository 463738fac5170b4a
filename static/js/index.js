// The competitions this server hosts, with their screen and audience links.
import { api } from "./api.js";
import { applyStatic, chooseLanguage, label, onLanguage, t } from "./i18n.js";
import { data, h, languageSwitch, toast } from "./ui.js";

let list = [];

function render() {
  document.title = `${t("app.name")} · ${t("index.competitions")}`;
  const el = document.getElementById("comps");
  if (!list.length) {
    el.replaceChildren(h("li", { class: "muted" }, t("index.none")));
    return;
  }
  el.replaceChildren(...list.map((c) => {
    const id = encodeURIComponent(c.id);
    return h("li", { dataset: { competition: c.id } },
      h("div", { class: "name" }, data("span", label(c.title) || c.id), " ",
        h("span", { class: `badge ${c.stage ?? "not_started"}`, "data-testid": "stage" }, t(`index.stage_${c.stage ?? "not_started"}`))),
      h("div", {}, h("a", { href: `/live/${id}` }, t("index.live")), h("a", { href: `/screen/${id}` }, t("index.screen")), h("a", { href: `/admin/${id}` }, t("index.admin"))));
  }));
}

async function start() {
  chooseLanguage(null);
  applyStatic();
  const sw = languageSwitch(null);
  document.getElementById("lang").append(sw);
  onLanguage(() => { sw.render(); applyStatic(); render(); });
  try {
    list = await api("/api/competitions");
  } catch (error) {
    toast(error.message);
  }
  render();
}

start();
