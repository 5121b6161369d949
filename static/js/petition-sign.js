// Sign form: solve the proof-of-work challenge (ALTCHA protocol v1) without the signer
// noticing. The server hands out {algorithm, challenge, maxNumber, salt, signature};
// the answer is the number n for which SHA-256(salt + n) equals the challenge. The
// solution goes into the hidden "altcha" field as base64 JSON.
// Without JavaScript or Web Crypto the form still posts: the signature is then held
// for review instead of being counted at once.
(function () {
  "use strict";
  var form = document.querySelector("form[data-challenge-url]");
  if (!form || !window.fetch || !window.crypto || !window.crypto.subtle || !window.TextEncoder) {
    return;
  }
  var field = form.querySelector("input[name=altcha]");
  if (!field) {
    return;
  }
  var status = form.querySelector("[data-sign-status]");
  var encoder = new TextEncoder();
  var STALE_AFTER = 20 * 60 * 1000; // the server accepts a challenge for 30 minutes
  var GIVE_UP_AFTER = 20 * 1000; // never keep someone waiting longer than this
  var BATCH = 500;
  var job = null;
  var fetchedAt = 0;

  function hexToBytes(hex) {
    var bytes = new Uint8Array(hex.length / 2);
    for (var i = 0; i < bytes.length; i++) {
      bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    }
    return bytes;
  }

  function same(buffer, expected) {
    var bytes = new Uint8Array(buffer);
    if (bytes.length !== expected.length) {
      return false;
    }
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] !== expected[i]) {
        return false;
      }
    }
    return true;
  }

  async function solve(challenge) {
    var expected = hexToBytes(challenge.challenge);
    for (var start = 0; start <= challenge.maxNumber; start += BATCH) {
      var end = Math.min(start + BATCH, challenge.maxNumber + 1);
      var digests = [];
      for (var n = start; n < end; n++) {
        digests.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge.salt + n)));
      }
      var results = await Promise.all(digests);
      for (var i = 0; i < results.length; i++) {
        if (same(results[i], expected)) {
          return start + i;
        }
      }
    }
    return null;
  }

  function begin() {
    if (job && Date.now() - fetchedAt < STALE_AFTER) {
      return job;
    }
    fetchedAt = Date.now();
    field.value = "";
    job = fetch(form.dataset.challengeUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("challenge unavailable");
        }
        return response.json();
      })
      .then(function (challenge) {
        return solve(challenge).then(function (number) {
          if (number === null) {
            throw new Error("no solution");
          }
          field.value = btoa(
            JSON.stringify({
              algorithm: challenge.algorithm,
              challenge: challenge.challenge,
              number: number,
              salt: challenge.salt,
              signature: challenge.signature,
            })
          );
        });
      })
      .catch(function () {
        field.value = ""; // the server holds the signature for review
      });
    return job;
  }

  // Start as soon as the person shows interest, so the work is done before they finish.
  form.addEventListener("focusin", begin, { once: true });
  form.addEventListener("pointerdown", begin, { once: true });

  var submitting = false;
  form.addEventListener("submit", function (event) {
    if (field.value && Date.now() - fetchedAt < STALE_AFTER) {
      return;
    }
    event.preventDefault();
    if (submitting) {
      return;
    }
    submitting = true;
    if (status) {
      status.textContent = form.dataset.waitText || "";
    }
    var timeout = new Promise(function (resolve) {
      setTimeout(resolve, GIVE_UP_AFTER);
    });
    Promise.race([begin(), timeout]).then(function () {
      form.submit();
    });
  });
})();
