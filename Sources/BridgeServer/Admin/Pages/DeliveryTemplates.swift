/// `GET /deliveries` and `GET /deliveries/<id>`.
enum DeliveryTemplates {
    static let list = """
        <h1>Deliveries</h1>
        <form id="filters" class="filters" method="get" action="/deliveries">
        <div class="field"><label for="filter-source">Source</label>
        <input id="filter-source" name="source" type="text" value="{{filters.source}}" list="source-names" autocomplete="off"></div>
        <datalist id="source-names">{{#sourceNames}}<option value="{{.}}"></option>{{/sourceNames}}</datalist>
        <div class="field"><label for="filter-status">Status</label>
        <select id="filter-status" name="status">
        {{#statusOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statusOptions}}
        </select></div>
        <div class="field"><label for="filter-repository">Repository</label>
        <input id="filter-repository" name="repository" type="text" value="{{filters.repository}}" placeholder="acme/shop"></div>
        <div class="field"><label for="filter-since">Since (UTC)</label>
        <input id="filter-since" name="since" type="text" value="{{filters.since}}" placeholder="2026-12-01T00:00:00Z"></div>
        <div class="field actions"><button type="submit" id="filter-button">Filter</button> <a href="/deliveries">Clear</a></div>
        </form>
        {{#problem}}<p class="problem" role="alert">{{problem}}</p>{{/problem}}
        <div class="table-wrap" tabindex="0" role="region" aria-label="Deliveries">
        <table id="deliveries" class="cards">
        <caption>Newest first</caption>
        <thead><tr><th scope="col">Delivery</th><th scope="col">Received</th><th scope="col">Source</th><th scope="col">Event</th><th scope="col">Outcome</th><th scope="col">Runs</th></tr></thead>
        <tbody>
        {{#rows}}<tr data-delivery-id="{{id}}">
        <th scope="row"><a href="/deliveries/{{id}}">#{{id}}</a></th>
        <td data-label="Received"><time datetime="{{receivedISO}}">{{received}}</time></td>
        <td data-label="Source">{{source}}</td>
        <td data-label="Event">{{eventName}}</td>
        <td data-label="Outcome"><span class="status status-{{statusClass}}">{{outcome}}</span></td>
        <td data-label="Runs">{{runCount}}</td>
        </tr>
        {{/rows}}
        </tbody>
        </table>
        </div>
        {{^rows}}<p class="empty">No delivery matches.</p>{{/rows}}
        {{#nextPage}}<p class="pager"><a id="next-page" href="{{nextPage}}">Next page</a></p>{{/nextPage}}

        """

    static let detail = """
        <h1>Delivery {{id}}</h1>
        <dl class="facts">
        <dt>Source</dt><dd>{{source}} ({{forge}})</dd>
        <dt>Delivery key</dt><dd><code>{{key}}</code></dd>
        <dt>Event</dt><dd>{{eventName}}</dd>
        <dt>Received</dt><dd><time datetime="{{receivedISO}}">{{received}}</time></dd>
        <dt>Later copies answered as duplicates</dt><dd>{{duplicates}}</dd>
        </dl>
        <section id="event" aria-labelledby="event-heading">
        <h2 id="event-heading">What it became</h2>
        <p><span class="status status-{{statusClass}}">{{outcome}}</span>{{#reason}}: {{reason}}{{/reason}}</p>
        {{#push}}<dl class="facts">
        <dt>Repository</dt><dd>{{repository}}</dd><dt>Ref</dt><dd>{{ref}}</dd><dt>Commit</dt><dd><code>{{sha}}</code></dd>
        </dl>{{/push}}
        </section>
        <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Runs</h2>
        {{#duplicateOf}}<div id="duplicate-of"><p>Duplicate: {{duplicateOf}}</p>
        {{#hasOriginalRuns}}<ul class="run-list">{{#originalRuns}}<li>The push already ran as <a href="/runs/{{id}}">run {{id}}</a></li>{{/originalRuns}}</ul>{{/hasOriginalRuns}}</div>{{/duplicateOf}}
        {{#showRuns}}
        <ul id="runs" class="run-list">
        {{#runs}}<li><a href="/runs/{{id}}">Run {{id}}</a> <span class="status status-{{status}}">{{status}}</span> {{rule}}{{#environment}} → {{environment}}{{/environment}}</li>
        {{/runs}}
        </ul>
        {{^runs}}<p class="empty">This delivery created no run.</p>{{/runs}}
        {{/showRuns}}
        </section>
        <section aria-labelledby="headers-heading">
        <h2 id="headers-heading">Headers</h2>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="headers-heading">
        <table id="headers">
        <thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
        <tbody>
        {{#headers}}<tr><th scope="row"><code>{{name}}</code></th><td>{{#masked}}<span class="masked">(masked)</span>{{/masked}}{{^masked}}<code>{{value}}</code>{{/masked}}</td></tr>
        {{/headers}}
        </tbody>
        </table>
        </div>
        {{^headers}}<p class="empty">The headers of this delivery were not recorded.</p>{{/headers}}
        </section>
        <section aria-labelledby="verdicts-heading">
        <h2 id="verdicts-heading">Rules</h2>
        <ul id="verdicts" class="verdicts">
        {{#verdicts}}<li data-rule="{{rule}}" class="{{#matched}}matched{{/matched}}{{^matched}}unmatched{{/matched}}">
        <strong>{{rule}}</strong>: {{#matched}}matched{{/matched}}{{^matched}}did not match{{/matched}}{{#reason}} — {{reason}}{{/reason}}</li>
        {{/verdicts}}
        </ul>
        {{^verdicts}}<p class="empty">No rule verdicts were recorded for this delivery.</p>{{/verdicts}}
        </section>

        """
}
