// Manager forms: the web address (slug) follows the English title as it is typed, the
// way the server makes it when the address is left empty (Django's slugify), until the
// manager types an address of their own. Emptying the address lets it follow again.
(function () {
  "use strict";
  var slug = document.querySelector("input[data-slug-from]");
  if (!slug || slug.disabled || !String.prototype.normalize) {
    return;
  }
  var title = document.getElementById(slug.getAttribute("data-slug-from"));
  if (!title) {
    return;
  }
  var max = parseInt(slug.getAttribute("maxlength"), 10) || 80;

  function slugify(text) {
    return text
      .normalize("NFKD")
      .replace(/[^\x00-\x7F]/g, "")
      .replace(/[^\w\s-]/g, "")
      .toLowerCase()
      .replace(/[-\s]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "")
      .slice(0, max)
      .replace(/-+$/, "");
  }

  // An address already there that the title would not give was chosen by someone.
  var own = slug.value !== "" && slug.value !== slugify(title.value);

  title.addEventListener("input", function () {
    if (!own) {
      slug.value = slugify(title.value);
    }
  });
  slug.addEventListener("input", function () {
    own = slug.value !== "";
  });
})();
