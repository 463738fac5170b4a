// JSON Patch (RFC 6902) as the server sends it (server/patches.py): "add",
// "remove" and "replace" at JSON Pointer paths. The document is not changed:
// the containers on each path are copied, the rest is shared, so a page that
// kept the previous view still holds it as it was.

const unescape = (token) => token.replace(/~1/g, "/").replace(/~0/g, "~");

function step(container, token) {
  return Array.isArray(container) ? container[Number(token)] : container[token];
}

function applyOp(doc, op) {
  const tokens = op.path.split("/").slice(1).map(unescape);
  if (tokens.length === 0) return op.value;
  const root = Array.isArray(doc) ? doc.slice() : { ...doc };
  let parent = root;
  for (const token of tokens.slice(0, -1)) {
    const child = step(parent, token);
    const copy = Array.isArray(child) ? child.slice() : { ...child };
    if (Array.isArray(parent)) parent[Number(token)] = copy;
    else parent[token] = copy;
    parent = copy;
  }
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = last === "-" ? parent.length : Number(last);
    if (op.op === "remove") parent.splice(index, 1);
    else if (op.op === "add") parent.splice(index, 0, op.value);
    else parent[index] = op.value;
  } else if (op.op === "remove") {
    delete parent[last];
  } else {
    parent[last] = op.value;
  }
  return root;
}

/** `doc` with `ops` applied; `doc` itself is left as it was. */
export function applyPatch(doc, ops) {
  return ops.reduce(applyOp, doc);
}
