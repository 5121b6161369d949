// Site-wide behaviour: move focus to an error summary so screen readers announce it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) {
      summary.focus();
    }
  });
})();
