// The 值班代表 picker of the reception form (stations/forms.py, DutyDeputiesWidget): a search box
// above the multi-select that hides the deputies whose name or post does not match. Without
// JavaScript the select works as it is.
(() => {
  const setUp = (select) => {
    if (select.dataset.pickerReady) return;
    select.dataset.pickerReady = "1";
    const box = document.createElement("input");
    box.type = "search";
    box.className = "w-field__input deputy-picker__search";
    box.placeholder = "输入姓名或单位筛选";
    box.setAttribute("aria-label", "筛选值班代表");
    box.setAttribute("aria-controls", select.id);
    select.before(box);
    box.addEventListener("input", () => {
      const query = box.value.trim();
      for (const option of select.options) {
        option.hidden = Boolean(query) && !option.text.includes(query) && !option.selected;
      }
    });
  };
  const run = () => document.querySelectorAll("select[data-deputy-picker]").forEach(setUp);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
