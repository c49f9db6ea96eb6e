// The pages' one style sheet and one script (upload progress and drag and drop), served from the
// binary under /static/. Pages work without the script: the form posts the files as multipart.

public enum WebAssets {
    public static let styleSheet = """
        :root { color-scheme: light; --ink: #1b1f24; --muted: #59636e; --line: #d0d7de; --accent: #0b57d0; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: #fff; }
        header.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; border-bottom: 1px solid var(--line); }
        header.top nav { display: flex; gap: 1rem; }
        .brand { font-weight: 700; color: var(--ink); text-decoration: none; }
        .signout { margin-left: auto; display: flex; gap: .5rem; align-items: center; }
        main { padding: 1rem 1.5rem 3rem; max-width: 1100px; }
        a { color: var(--accent); }
        code { font-size: .9em; }
        table.list, table.weeks { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
        th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.failed td { background: #fbeaea; }
        .error { color: #a40e26; }
        .notice { background: #eef4ff; padding: .4rem .8rem; border-left: 4px solid var(--accent); }
        .hint, .count, .subtitle, .crumbs { color: var(--muted); }
        form.signin { display: grid; gap: .6rem; max-width: 22rem; }
        form.signin input, form.search input { width: 100%; padding: .35rem; }
        form.scopes fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; }
        form.scopes label { display: inline-block; min-width: 15rem; margin: .2rem .6rem .2rem 0; }
        .actions { display: flex; gap: .6rem; flex-wrap: wrap; margin: .8rem 0; }
        dl.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .6rem; margin: 1rem 0; }
        dl.cards div { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .7rem; }
        dl.cards dt { color: var(--muted); font-size: .85em; }
        dl.cards dd { margin: 0; font-size: 1.25em; font-weight: 600; }
        dl.cards dd.field { font-size: .75em; font-weight: 400; color: var(--muted); overflow-wrap: anywhere; }
        figure { margin: 1rem 0 1.5rem; }
        figure svg { width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
        figcaption { color: var(--muted); font-size: .9em; }
        pre.body { background: #f6f8fa; padding: .8rem; overflow: auto; max-height: 40rem; }
        .drop { display: block; border: 2px dashed var(--line); border-radius: 8px; padding: 2rem; text-align: center; margin: 1rem 0; }
        .drop.over { border-color: var(--accent); background: #eef4ff; }
        ul.outcomes { list-style: none; padding: 0; }
        ul.outcomes li { margin: .4rem 0; }
        ul.outcomes progress { width: 14rem; margin-left: .6rem; vertical-align: middle; }
        """

    /// Each chosen or dropped file goes up on its own request, with a progress bar and its outcome in words.
    public static let uploadScript = """
        "use strict";
        document.addEventListener("DOMContentLoaded", () => {
          const form = document.getElementById("upload");
          if (!form) return;
          const input = form.querySelector("input[type=file]");
          const drop = form.querySelector(".drop");
          const list = document.getElementById("outcomes");
          const send = (file) => {
            const item = document.createElement("li");
            const name = document.createElement("span");
            name.textContent = file.name;
            const bar = document.createElement("progress");
            bar.max = file.size || 1; bar.value = 0;
            const words = document.createElement("span");
            words.className = "outcome";
            item.append(name, bar, " ", words);
            list.append(item);
            const request = new XMLHttpRequest();
            request.open("POST", form.dataset.url + "&name=" + encodeURIComponent(file.name));
            request.setRequestHeader("Content-Type", "application/octet-stream");
            request.setRequestHeader("Accept", "application/json");
            request.upload.onprogress = (e) => { if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; } };
            request.onload = () => {
              bar.value = bar.max;
              let said = request.statusText;
              try { said = JSON.parse(request.responseText).outcome || JSON.parse(request.responseText).detail || said; } catch (e) {}
              words.textContent = said;
              item.dataset.status = String(request.status);
            };
            request.onerror = () => { words.textContent = "the upload did not reach the server"; item.dataset.status = "0"; };
            request.send(file);
          };
          const sendAll = (files) => { for (const file of files) send(file); };
          form.addEventListener("submit", (e) => { e.preventDefault(); sendAll(input.files); input.value = ""; });
          input.addEventListener("change", () => { sendAll(input.files); input.value = ""; });
          drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
          drop.addEventListener("dragleave", () => drop.classList.remove("over"));
          drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); sendAll(e.dataTransfer.files); });
        });
        """
}
