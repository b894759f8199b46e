/* 朗读 (read aloud) on article pages (components/read_aloud.html): a progressive enhancement.
 *
 * Where the browser has speechSynthesis, a "朗读全文" button appears in the slot
 * [data-read-aloud-slot] and reads the text of the element marked [data-read-aloud] in Chinese
 * (zh-CN), sentence by sentence (long utterances are cut off by some engines); pressed again
 * ("停止朗读") it stops. Where speechSynthesis does not exist, or without JavaScript, there is
 * no button. Loaded as a file: the site's CSP allows no inline script. */
(function () {
    "use strict";

    var synth = window.speechSynthesis;
    var slot = document.querySelector("[data-read-aloud-slot]");
    var article = document.querySelector("[data-read-aloud]");
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function" || !slot || !article) {
        return;
    }

    // The text as shown (innerText keeps paragraphs apart), read before the button exists.
    var text = (article.innerText || article.textContent || "").replace(/[ \t]+/g, " ").trim();
    if (!text) {
        return;
    }

    var MAX_CHUNK = 180;

    function sentences(value) {
        var parts = value.split(/(?<=[。！？；!?;\n])/);
        var chunks = [];
        var current = "";
        parts.forEach(function (part) {
            part = part.trim();
            if (!part) {
                return;
            }
            while (part.length > MAX_CHUNK) {
                if (current) {
                    chunks.push(current);
                    current = "";
                }
                chunks.push(part.slice(0, MAX_CHUNK));
                part = part.slice(MAX_CHUNK);
            }
            if ((current + part).length > MAX_CHUNK) {
                chunks.push(current);
                current = part;
            } else {
                current += part;
            }
        });
        if (current) {
            chunks.push(current);
        }
        return chunks;
    }

    var button = document.createElement("button");
    button.type = "button";
    button.className = "read-aloud";
    var speaking = false;

    function show(state) {
        speaking = state;
        button.textContent = state ? "停止朗读" : "朗读全文";
        button.setAttribute("aria-pressed", state ? "true" : "false");
    }

    function stop() {
        synth.cancel();
        show(false);
    }

    function start() {
        synth.cancel();
        var chunks = sentences(text);
        chunks.forEach(function (chunk, index) {
            var utterance = new window.SpeechSynthesisUtterance(chunk);
            utterance.lang = "zh-CN";
            utterance.rate = 0.9;
            if (index === chunks.length - 1) {
                utterance.onend = function () {
                    show(false);
                };
            }
            utterance.onerror = function () {
                show(false);
            };
            synth.speak(utterance);
        });
        show(true);
    }

    button.addEventListener("click", function () {
        if (speaking) {
            stop();
        } else {
            start();
        }
    });
    window.addEventListener("pagehide", stop);

    show(false);
    slot.appendChild(button);
    slot.hidden = false;
})();
