// NHS.UK frontend components (the package ships an ES module).
import { initAll } from "/static/vendor/nhsuk/nhsuk-frontend.min.js";

initAll();
