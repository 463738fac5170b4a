// A small fetch wrapper: bearer token, the page's language, the server's error message.
import { currentLanguage, t } from "./i18n.js";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** Worth sending again later (no network, or the server could not write). */
  get retryable() {
    return this.status === 0 || this.status >= 500 || this.status === 409 && this.code === "conflict";
  }
}

/** JSON from `path`; throws ApiError with the server's own message. */
export async function api(path, { method = "GET", body, token, headers: extra = {} } = {}) {
  const headers = { "Accept-Language": currentLanguage(), ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, "offline", t("error.offline"));
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = payload?.error ?? {};
    throw new ApiError(response.status, error.code ?? "http_error", error.message ?? t("error.http", { status: response.status }));
  }
  return payload;
}

/** The competition id in /screen/{cid}, /judge/{cid}, … (null on /judge, /admin, /). */
export function competitionFromPath() {
  const parts = location.pathname.split("/").filter(Boolean);
  return parts.length >= 2 ? decodeURIComponent(parts[1]) : null;
}

/** `#token=…` from the address: tokens travel in the fragment, never to server logs. */
export function tokenFromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  return params.get("token");
}

/** The competition's public set-up (title, languages, decimals, scoresheet, roster).
 *
 * GET /api/competitions/{cid}/setup is asked of the server (docs/pages.md);
 * until it answers, what the competitions list says is used: the title only. */
export async function loadSetup(cid) {
  try {
    return await api(`/api/competitions/${encodeURIComponent(cid)}/setup`);
  } catch (error) {
    if (error.status !== 404 || error.code === "unknown_competition") throw error;
    const listed = (await api("/api/competitions")).find((c) => c.id === cid);
    return { stream: cid, title: listed?.title ?? {}, languages: null, decimals: null, places: null,
      criteria: [], groups: [], rounds: [], contestants: [], judges: [], partial: true };
  }
}

/** A QR code (SVG markup) of a link to this server, drawn by the server itself. */
export async function qrSvg(link) {
  const response = await fetch(`/qr.svg?text=${encodeURIComponent(link)}`);
  if (!response.ok) throw new ApiError(response.status, "qr", t("error.http", { status: response.status }));
  return response.text();
}

/** Fetch `path` with the token and hand the answer to the browser as a file named as
 * the server says (Content-Disposition), else `fallback`. */
export async function download(path, { token, fallback = "download" } = {}) {
  let response;
  try {
    response = await fetch(path, { headers: token ? { Authorization: `Bearer ${token}`, "Accept-Language": currentLanguage() } : {}, cache: "no-store" });
  } catch {
    throw new ApiError(0, "offline", t("error.offline"));
  }
  if (!response.ok) {
    const error = (await response.json().catch(() => null))?.error ?? {};
    throw new ApiError(response.status, error.code ?? "http_error", error.message ?? t("error.http", { status: response.status }));
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? fallback;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // a URL revoked before the browser has read the blob can cancel the download
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return name;
}
