/// `GET /`: the queue, what runs now, what failed lately, and each source's last delivery.
enum OverviewTemplate {
    static let text = """
        <h1>Overview</h1>
        <section aria-labelledby="queue-heading">
        <h2 id="queue-heading">Queue</h2>
        <p>Queued runs: <strong id="queue-depth">{{queueDepth}}</strong></p>
        </section>
        <section aria-labelledby="running-heading">
        <h2 id="running-heading">Running now</h2>
        <ul id="running" class="run-list">
        {{#running}}<li><a href="/runs/{{id}}">Run {{id}}</a> <span class="status status-{{status}}">{{status}}</span> {{rule}} · {{repository}} {{ref}} · since <time datetime="{{updatedISO}}">{{updated}}</time></li>
        {{/running}}
        </ul>
        {{^running}}<p class="empty">Nothing is running.</p>{{/running}}
        </section>
        <section aria-labelledby="failures-heading">
        <h2 id="failures-heading">Recent failures</h2>
        <ul id="recent-failures" class="run-list">
        {{#failures}}<li><a href="/runs/{{id}}">Run {{id}}</a> <span class="status status-{{status}}">{{status}}</span> {{rule}} · {{repository}} {{ref}} · <time datetime="{{updatedISO}}">{{updated}}</time></li>
        {{/failures}}
        </ul>
        {{^failures}}<p class="empty">No failed runs.</p>{{/failures}}
        </section>
        <section aria-labelledby="sources-heading">
        <h2 id="sources-heading">Sources</h2>
        <p class="hint">A source stands out when its last delivery was refused (not verified or malformed), none was ever recorded, its last delivery's run failed, or its last delivery is older than {{silentHours}} hours.</p>
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="sources-heading">
        <table id="sources" class="cards">
        <thead><tr><th scope="col">Source</th><th scope="col">Last delivery</th><th scope="col">Outcome</th><th scope="col">Attention</th></tr></thead>
        <tbody>
        {{#sources}}<tr data-source="{{name}}"{{#attention}} class="attention"{{/attention}}>
        <th scope="row">{{name}}</th>
        <td data-label="Last delivery">{{#lastDeliveryID}}<a href="/deliveries/{{lastDeliveryID}}"><time datetime="{{lastISO}}">{{lastTime}}</time></a>{{/lastDeliveryID}}{{^lastDeliveryID}}{{#lastISO}}<time datetime="{{lastISO}}">{{lastTime}}</time>{{/lastISO}}{{^lastISO}}never{{/lastISO}}{{/lastDeliveryID}}</td>
        <td data-label="Outcome">{{outcome}}</td>
        <td data-label="Attention">{{#reason}}<span class="reason">{{reason}}</span>{{/reason}}{{^reason}}OK{{/reason}}</td>
        </tr>
        {{/sources}}
        </tbody>
        </table>
        </div>
        {{^sources}}<p class="empty">No source is configured.</p>{{/sources}}
        </section>

        """
}
