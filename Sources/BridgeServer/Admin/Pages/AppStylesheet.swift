/// `/static/app.css`: the dashboard's only stylesheet. System fonts, contrast of at least 4.5:1 for text, and tables
/// that turn into stacked cards below 40em (a phone's width).
enum AppStylesheet {
    static let text = """
        :root { --fg: #1b1f24; --muted: #4a5560; --bg: #ffffff; --line: #c9d1d9; --accent: #0a4fa8; --panel: #f4f6f8;
          --bad: #a4161a; --bad-bg: #fde8e8; --good: #17612a; --warn: #7a4a00; --warn-bg: #fff4d6; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, pre:focus-visible, summary:focus-visible,
        .table-wrap:focus-visible {
          outline: 3px solid var(--accent); outline-offset: 2px; }
        .skip-link { position: absolute; left: -999px; top: 0; background: var(--fg); color: #fff; padding: .5em 1em; z-index: 10; }
        .skip-link:focus { left: .5em; }
        .site-header { display: flex; flex-wrap: wrap; gap: .5em 1.5em; align-items: center; justify-content: space-between;
          padding: .5em 1em; border-bottom: 1px solid var(--line); background: var(--panel); }
        .site-header nav { display: flex; flex-wrap: wrap; gap: .5em 1.5em; align-items: center; }
        .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
        .nav-links { display: flex; gap: 1em; list-style: none; margin: 0; padding: 0; }
        .nav-links a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
        .who { display: flex; flex-wrap: wrap; gap: .5em; align-items: center; color: var(--muted); }
        .who form { display: inline; }
        main { padding: 1em; max-width: 80em; margin: 0 auto; }
        main:focus { outline: none; }
        h1 { font-size: 1.6em; margin: .2em 0 .6em; }
        h2 { font-size: 1.25em; margin: 1.4em 0 .5em; }
        h3 { font-size: 1.05em; margin: 0 0 .4em; }
        h4 { font-size: 1em; margin: .8em 0 .3em; }
        button { font: inherit; padding: .4em 1em; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
        button.danger { background: var(--bad); border-color: var(--bad); }
        .who button { background: transparent; color: var(--accent); }
        input, select { font: inherit; padding: .35em .5em; border: 1px solid #6b7681; border-radius: 4px; max-width: 100%; }
        label { display: block; font-weight: 600; font-size: .9em; }
        .filters { display: flex; flex-wrap: wrap; gap: .75em; align-items: flex-end; padding: .75em; background: var(--panel); border-radius: 6px; }
        .filters .field { min-width: 10em; flex: 1 1 10em; }
        .filters .actions { flex: 0 0 auto; min-width: 0; }
        .login { max-width: 24em; display: grid; gap: .75em; }
        .login input { width: 100%; }
        .actions { display: flex; gap: .75em; margin: 1em 0; flex-wrap: wrap; }
        .flash { padding: .6em 1em; border-left: 4px solid var(--accent); background: #e7f0fb; }
        .problem { padding: .6em 1em; border-left: 4px solid var(--bad); background: var(--bad-bg); color: var(--bad); }
        .hint, .empty, caption { color: var(--muted); }
        caption { text-align: left; padding: .3em 0; }
        .table-wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: .45em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
        thead th { background: var(--panel); }
        tr.attention { background: var(--warn-bg); }
        tr.attention .reason { color: var(--warn); font-weight: 700; }
        .status { display: inline-block; padding: 0 .45em; border-radius: 3px; border: 1px solid currentColor; font-size: .9em; }
        .status-failed, .status-refused, .status-given-up { color: var(--bad); }
        .status-succeeded, .status-sent { color: var(--good); }
        .status-running, .status-queued, .status-pending { color: var(--accent); }
        .status-canceled, .status-superseded, .status-skipped, .status-ignored, .status-duplicate, .status-ping { color: var(--muted); }
        .facts { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: 0 0 1em; }
        .facts dt { font-weight: 600; color: var(--muted); }
        .facts dd { margin: 0; overflow-wrap: anywhere; }
        .steps { list-style: none; padding: 0; }
        .step { border: 1px solid var(--line); border-radius: 6px; padding: .75em 1em; margin: 0 0 1em; }
        .step-error { padding: .5em .75em; background: var(--bad-bg); color: var(--bad); border-left: 4px solid var(--bad); white-space: pre-wrap; overflow-wrap: anywhere; }
        pre { background: #111820; color: #e6edf3; padding: .75em; border-radius: 4px; overflow: auto; max-height: 30em; white-space: pre-wrap; overflow-wrap: anywhere; }
        .verdicts li.matched strong { color: var(--good); }
        .verdicts li.unmatched strong { color: var(--bad); }
        .masked { color: var(--muted); font-style: italic; }
        code { overflow-wrap: anywhere; }
        @media (max-width: 40em) {
          table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
          table.cards, table.cards caption, table.cards tbody, table.cards tr, table.cards th, table.cards td { display: block; width: 100%; }
          table.cards tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .75em; padding: .25em 0; }
          table.cards td, table.cards th { border: 0; padding: .2em .75em; }
          table.cards td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; color: var(--muted); }
          .facts { grid-template-columns: 1fr; }
          .facts dd { margin-bottom: .4em; }
        }

        """
}
