// Copies the pinned front-end assets from node_modules into static/vendor (run by `npm ci`).
// The NHS.UK stylesheet is rewritten so that nothing is fetched from a CDN at run time:
// its @font-face rules point at assets.nhs.uk, so they are dropped (the font stack falls back
// to Arial), and its /assets/ URLs point at our own copy.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const nhsuk = join(root, "node_modules", "nhsuk-frontend", "dist", "nhsuk");
const out = join(root, "static", "vendor");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "nhsuk"), { recursive: true });

let css = readFileSync(join(nhsuk, "nhsuk-frontend.min.css"), "utf8");
css = css.replace(/@font-face\{[^}]*https:\/\/[^}]*\}/g, "");
css = css.replaceAll("url(/assets/", "url(/static/vendor/nhsuk/assets/");
if (/https?:\/\//.test(css.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, ""))) {
  throw new Error("nhsuk-frontend CSS still refers to an external URL");
}
writeFileSync(join(out, "nhsuk", "nhsuk-frontend.min.css"), css);
cpSync(join(nhsuk, "nhsuk-frontend.min.js"), join(out, "nhsuk", "nhsuk-frontend.min.js"));
cpSync(join(nhsuk, "assets"), join(out, "nhsuk", "assets"), { recursive: true });
cpSync(join(root, "node_modules", "htmx.org", "dist", "htmx.min.js"), join(out, "htmx.min.js"));
console.log("static/vendor: nhsuk-frontend and htmx copied");
