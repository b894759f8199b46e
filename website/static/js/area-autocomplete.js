/* Village/community autocomplete for the finder (components/area_autocomplete.html).
 *
 * A progressive enhancement of a plain text field inside a GET form: without this script the
 * form submits what was typed and the server finds the village. With it, the field becomes a
 * WAI-ARIA 1.2 combobox (pattern "combobox with listbox popup, list autocomplete"): suggestions
 * from GET /api/areas/?q=… (debounced), a listbox the field controls, the active option named by
 * aria-activedescendant so focus stays in the field, and a live region announcing how many
 * suggestions there are.
 *
 * Keys: ArrowDown / ArrowUp move through the suggestions (opening the list if needed), Enter
 * picks the active one (and opens the finder on it) or, with none active, submits the form as
 * typed; Escape closes the list, or clears the field when it is closed; Tab closes the list. */
(function () {
    "use strict";

    var DEBOUNCE_MS = 200;

    function init(root) {
        var input = root.querySelector("input[name='q']");
        var apiUrl = root.getAttribute("data-api-url");
        if (!input || !apiUrl || !window.fetch || !input.id) {
            return;
        }
        var form = input.form;
        var listId = input.id + "-listbox";
        var items = [];
        var active = -1;
        var timer = null;
        var sequence = 0;
        var controller = null;

        var list = document.createElement("ul");
        list.id = listId;
        list.className = "area-autocomplete__list";
        list.setAttribute("role", "listbox");
        list.setAttribute("aria-label", "村（社区）建议");
        list.hidden = true;
        input.parentNode.appendChild(list);

        var status = document.createElement("div");
        status.className = "visually-hidden";
        status.setAttribute("role", "status");
        root.appendChild(status);

        var hint = document.getElementById(input.id + "-hint");
        if (hint) {
            hint.appendChild(
                document.createTextNode("输入时会列出建议，可用上下方向键选择，按回车确认，按 Esc 关闭。")
            );
        }

        input.setAttribute("role", "combobox");
        input.setAttribute("aria-autocomplete", "list");
        input.setAttribute("aria-expanded", "false");
        input.setAttribute("aria-controls", listId);
        input.setAttribute("autocomplete", "off");
        root.classList.add("area-autocomplete--enhanced");

        function announce(message) {
            status.textContent = message;
        }

        function setActive(index) {
            var options = list.children;
            if (active >= 0 && options[active]) {
                options[active].setAttribute("aria-selected", "false");
            }
            active = index;
            if (active >= 0 && options[active]) {
                options[active].setAttribute("aria-selected", "true");
                input.setAttribute("aria-activedescendant", options[active].id);
                if (options[active].scrollIntoView) {
                    options[active].scrollIntoView({ block: "nearest" });
                }
            } else {
                input.removeAttribute("aria-activedescendant");
            }
        }

        function open() {
            if (!items.length) {
                return;
            }
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
        }

        function close() {
            setActive(-1);
            list.hidden = true;
            input.setAttribute("aria-expanded", "false");
        }

        function render(results) {
            items = results;
            active = -1;
            input.removeAttribute("aria-activedescendant");
            list.textContent = "";
            results.forEach(function (item, index) {
                var option = document.createElement("li");
                option.id = listId + "-" + index;
                option.className = "area-autocomplete__option";
                option.setAttribute("role", "option");
                option.setAttribute("aria-selected", "false");
                option.setAttribute("data-index", String(index));
                option.textContent = item.full_name;
                list.appendChild(option);
            });
            if (results.length) {
                open();
                announce("找到 " + results.length + " 个村（社区），可用上下方向键选择。");
            } else {
                close();
                announce("没有匹配的村（社区），可按回车直接查找。");
            }
        }

        function choose(index) {
            var item = items[index];
            if (!item) {
                return;
            }
            input.value = item.full_name;
            close();
            if (item.url) {
                window.location.assign(item.url);
            } else if (form) {
                form.submit();
            }
        }

        function fetchSuggestions() {
            var query = input.value.trim();
            sequence += 1;
            var current = sequence;
            if (controller) {
                controller.abort();
                controller = null;
            }
            if (!query) {
                render([]);
                announce("");
                return;
            }
            controller = window.AbortController ? new AbortController() : null;
            window
                .fetch(apiUrl + "?q=" + encodeURIComponent(query), {
                    headers: { Accept: "application/json" },
                    signal: controller ? controller.signal : undefined,
                })
                .then(function (response) {
                    return response.json().then(function (data) {
                        return { ok: response.ok, data: data };
                    });
                })
                .then(function (result) {
                    if (current !== sequence) {
                        return;
                    }
                    if (!result.ok) {
                        render([]);
                        announce(result.data && result.data.error ? result.data.error : "");
                        return;
                    }
                    render((result.data && result.data.results) || []);
                })
                .catch(function () {
                    /* Aborted or offline: the form still works without suggestions. */
                });
        }

        input.addEventListener("input", function () {
            window.clearTimeout(timer);
            timer = window.setTimeout(fetchSuggestions, DEBOUNCE_MS);
        });

        input.addEventListener("keydown", function (event) {
            var count = items.length;
            switch (event.key) {
                case "ArrowDown":
                case "Down":
                    if (!count) {
                        return;
                    }
                    event.preventDefault();
                    if (list.hidden) {
                        open();
                    }
                    setActive(active + 1 >= count ? 0 : active + 1);
                    break;
                case "ArrowUp":
                case "Up":
                    if (!count) {
                        return;
                    }
                    event.preventDefault();
                    if (list.hidden) {
                        open();
                    }
                    setActive(active <= 0 ? count - 1 : active - 1);
                    break;
                case "Enter":
                    if (!list.hidden && active >= 0) {
                        event.preventDefault();
                        choose(active);
                    }
                    break;
                case "Escape":
                case "Esc":
                    if (!list.hidden) {
                        event.preventDefault();
                        close();
                    } else if (input.value) {
                        event.preventDefault();
                        input.value = "";
                        render([]);
                        announce("");
                    }
                    break;
                case "Tab":
                    close();
                    break;
                default:
                    break;
            }
        });

        input.addEventListener("blur", function () {
            close();
        });

        // Keep focus in the field when an option is pressed, so that blur does not close the list
        // before the click lands.
        list.addEventListener("mousedown", function (event) {
            event.preventDefault();
        });
        list.addEventListener("click", function (event) {
            var option = event.target.closest("[role='option']");
            if (option) {
                choose(Number(option.getAttribute("data-index")));
            }
        });
    }

    var roots = document.querySelectorAll("[data-area-autocomplete]");
    for (var i = 0; i < roots.length; i += 1) {
        init(roots[i]);
    }
})();
