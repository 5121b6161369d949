// Share buttons that need JavaScript: "Copy link" and KakaoTalk (through the device's
// own share sheet, since KakaoTalk offers no plain share link). Both stay hidden
// without JavaScript; the link field and the plain share links work regardless.
(function () {
  "use strict";

  function say(button, text) {
    var section = button.closest(".share");
    var status = section && section.querySelector("[data-copy-status]");
    if (status) {
      status.textContent = text;
    }
  }

  function copy(text) {
    if (!navigator.clipboard) {
      return Promise.reject(new Error("no clipboard"));
    }
    return navigator.clipboard.writeText(text);
  }

  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var input = document.getElementById(button.dataset.copyFrom);
    if (!input || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(input.value).then(
        function () {
          say(button, button.dataset.copiedText || "");
        },
        function () {
          input.select();
        }
      );
    });
  });

  document.querySelectorAll("[data-share-url]").forEach(function (button) {
    if (!navigator.share && !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = button.dataset.shareUrl;
      if (navigator.share) {
        navigator.share({ title: button.dataset.shareTitle, url: url }).catch(function () {});
        return;
      }
      copy(url).then(function () {
        say(button, button.dataset.shareFallback || "");
      });
    });
  });
})();
