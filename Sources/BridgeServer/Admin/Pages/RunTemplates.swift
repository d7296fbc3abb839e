/// `GET /runs` and `GET /runs/<id>`.
enum RunTemplates {
    static let list = """
        <h1>Runs</h1>
        <form id="filters" class="filters" method="get" action="/runs">
        <div class="field"><label for="filter-status">Status</label>
        <select id="filter-status" name="status">
        {{#statusOptions}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statusOptions}}
        </select></div>
        <div class="field"><label for="filter-environment">Environment</label>
        <input id="filter-environment" name="environment" type="text" value="{{filters.environment}}"></div>
        <div class="field"><label for="filter-source">Source</label>
        <input id="filter-source" name="source" type="text" value="{{filters.source}}" list="source-names" autocomplete="off"></div>
        <datalist id="source-names">{{#sourceNames}}<option value="{{.}}"></option>{{/sourceNames}}</datalist>
        <div class="field"><label for="filter-repository">Repository</label>
        <input id="filter-repository" name="repository" type="text" value="{{filters.repository}}" placeholder="acme/shop"></div>
        <div class="field"><label for="filter-rule">Rule</label>
        <input id="filter-rule" name="rule" type="text" value="{{filters.rule}}"></div>
        <div class="field actions"><button type="submit" id="filter-button">Filter</button> <a href="/runs">Clear</a></div>
        </form>
        {{#problem}}<p class="problem" role="alert">{{problem}}</p>{{/problem}}
        <div class="table-wrap" tabindex="0" role="region" aria-label="Runs">
        <table id="runs" class="cards">
        <caption>Newest first</caption>
        <thead><tr><th scope="col">Run</th><th scope="col">Status</th><th scope="col">Rule</th><th scope="col">Environment</th><th scope="col">Repository</th><th scope="col">Ref</th><th scope="col">Commit</th><th scope="col">Created</th></tr></thead>
        <tbody>
        {{#rows}}<tr data-run-id="{{id}}">
        <th scope="row"><a href="/runs/{{id}}">#{{id}}</a></th>
        <td data-label="Status"><span class="status status-{{status}}">{{status}}</span></td>
        <td data-label="Rule">{{rule}}</td>
        <td data-label="Environment">{{environment}}</td>
        <td data-label="Repository">{{repository}}</td>
        <td data-label="Ref">{{ref}}</td>
        <td data-label="Commit"><code>{{shortSHA}}</code></td>
        <td data-label="Created"><time datetime="{{createdISO}}">{{created}}</time></td>
        </tr>
        {{/rows}}
        </tbody>
        </table>
        </div>
        {{^rows}}<p class="empty">No run matches.</p>{{/rows}}
        {{#nextPage}}<p class="pager"><a id="next-page" href="{{nextPage}}">Next page</a></p>{{/nextPage}}

        """

    static let detail = """
        <h1>Run {{id}} <span id="run-status" class="status status-{{status}}">{{status}}</span></h1>
        <dl class="facts">
        <dt>Rule</dt><dd>{{rule}}</dd>
        <dt>Environment</dt><dd>{{environment}}</dd>
        <dt>Source</dt><dd>{{source}}</dd>
        <dt>Repository</dt><dd>{{repository}}</dd>
        <dt>Ref</dt><dd>{{ref}}</dd>
        <dt>Commit</dt><dd><code>{{sha}}</code></dd>
        <dt>Delivery</dt><dd><a href="/deliveries/{{deliveryID}}">delivery {{deliveryID}}</a></dd>
        <dt>Created</dt><dd><time datetime="{{createdISO}}">{{created}}</time></dd>
        <dt>Updated</dt><dd><time datetime="{{updatedISO}}">{{updated}}</time></dd>
        </dl>
        {{#hasNotes}}<ul class="notes">{{#notes}}<li>{{.}}</li>{{/notes}}</ul>{{/hasNotes}}
        {{#canOperate}}
        <div class="actions">
        {{#canRetry}}<form id="retry" method="post" action="/runs/{{id}}/retry">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" id="retry-button">Retry</button>
        </form>{{/canRetry}}
        {{#canCancel}}<form id="cancel" method="post" action="/runs/{{id}}/cancel">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" id="cancel-button" class="danger">Cancel</button>
        </form>{{/canCancel}}
        </div>
        {{/canOperate}}
        <section aria-labelledby="steps-heading">
        <h2 id="steps-heading">Steps</h2>
        <ol id="steps" class="steps">
        {{#steps}}<li id="step-{{position}}" class="step" data-step-position="{{position}}" data-step-status="{{status}}">
        <h3>Step {{position}}: {{target}} <span class="step-status status status-{{status}}">{{status}}</span></h3>
        <dl class="facts">
        <dt>Provider</dt><dd>{{provider}}</dd>
        <dt>Attempts</dt><dd class="step-attempts">{{attempts}}</dd>
        <dt>Started</dt><dd class="step-started">{{#startedISO}}<time datetime="{{startedISO}}">{{started}}</time>{{/startedISO}}{{^startedISO}}not yet{{/startedISO}}</dd>
        <dt>Finished</dt><dd class="step-finished">{{#finishedISO}}<time datetime="{{finishedISO}}">{{finished}}</time>{{/finishedISO}}{{^finishedISO}}not yet{{/finishedISO}}</dd>
        {{#duration}}<dt>Took</dt><dd class="step-duration">{{duration}}</dd>{{/duration}}
        <dt>Provider id</dt><dd class="step-external-id">{{#externalID}}{{#consoleURL}}<a href="{{consoleURL}}" rel="noopener noreferrer">{{externalID}}</a> ({{consoleName}}){{/consoleURL}}{{^consoleURL}}<code>{{externalID}}</code>{{/consoleURL}}{{/externalID}}{{^externalID}}none yet{{/externalID}}</dd>
        </dl>
        {{#error}}<p class="step-error">{{error}}</p>{{/error}}
        {{#hasNotes}}<ul class="notes">{{#notes}}<li>{{.}}</li>{{/notes}}</ul>{{/hasNotes}}
        <details><summary>Parameters</summary><pre class="parameters" tabindex="0">{{parameters}}</pre></details>
        <h4 id="log-heading-{{position}}">Log</h4>
        <pre id="log-{{position}}" class="log" role="log" tabindex="0" aria-labelledby="log-heading-{{position}}"{{#live}} data-events="/runs/{{runID}}/steps/{{position}}/log/events"{{/live}}>{{log}}</pre>
        {{#live}}<p class="live-note">This step is still going: <a href="/runs/{{runID}}#step-{{position}}">refresh</a> for more of its log.</p>{{/live}}
        </li>
        {{/steps}}
        </ol>
        </section>
        <section aria-labelledby="forge-heading">
        <h2 id="forge-heading">Forge status</h2>
        <div id="forge-status">
        {{#hasStatusUpdates}}<div class="table-wrap" tabindex="0" role="region" aria-labelledby="forge-heading"><table class="cards">
        <thead><tr><th scope="col">Reporter</th><th scope="col">Told</th><th scope="col">State</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Queued</th></tr></thead>
        <tbody>
        {{#statusUpdates}}<tr><th scope="row">{{reporter}}</th><td data-label="Told">{{status}}</td><td data-label="State">{{state}}</td><td data-label="Attempts">{{attempts}}</td><td data-label="Last error">{{lastError}}</td><td data-label="Queued"><time datetime="{{createdISO}}">{{created}}</time></td></tr>
        {{/statusUpdates}}
        </tbody></table></div>{{/hasStatusUpdates}}
        {{^statusUpdates}}<p class="empty">No forge status is sent for this run.</p>{{/statusUpdates}}
        </div>
        </section>

        """
}
