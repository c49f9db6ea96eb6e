// A ride, the values behind a picture, webhook messages, and the end user's connect page.

extension WebPages {
    static let ride = """
        {{<layout}}{{$title}}{{name}} · Slipstream{{/title}}{{$body}}
        <p class="crumbs"><a href="/dashboard/users">Users</a> › <a href="{{back}}">{{userID}}</a></p>
        <h1>{{name}}</h1>
        <p class="subtitle">{{subtitle}} · <a href="{{jsonHref}}">JSON</a> · <a href="{{csvHref}}">samples as CSV</a></p>
        <dl class="cards">{{#cards}}<div><dt>{{label}}</dt><dd>{{value}}</dd><dd class="field"><code>{{field}}</code></dd></div>
        {{/cards}}</dl>
        {{#pictures}}<figure class="picture">{{{svg}}}<figcaption>{{label}} · <a href="{{tableHref}}">table of values</a></figcaption></figure>
        {{/pictures}}
        {{#zones}}<h2>Time in heart-rate zones</h2><figure class="zones">{{{zones}}}</figure>{{/zones}}
        {{/body}}{{/layout}}
        """

    static let values = """
        {{<layout}}{{$title}}{{title}} · Slipstream{{/title}}{{$body}}
        <p class="crumbs"><a href="{{back}}">Back to the ride</a></p>
        <h1>{{title}}</h1>
        <table class="list values"><thead><tr>{{#columns}}<th>{{.}}</th>{{/columns}}</tr></thead><tbody>
        {{#rows}}<tr>{{#.}}<td>{{.}}</td>{{/.}}</tr>{{/rows}}
        </tbody></table>
        {{/body}}{{/layout}}
        """

    static let deliveries = """
        {{<layout}}{{$title}}Deliveries · Slipstream{{/title}}{{$body}}
        <h1>Webhook deliveries</h1>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#session}}<form method="post" action="/dashboard/webhook/url" class="search"><input type="hidden" name="csrf" value="{{csrf}}">
        <label>Webhook URL <input name="url" type="url" value="{{webhookURL}}" placeholder="https://…"></label> <button>Save</button></form>{{/session}}
        {{#disabled}}<p><strong class="error">{{disabled}}</strong></p>{{/disabled}}
        <div class="actions">
        {{#session}}<form method="post" action="/dashboard/webhook/test"><input type="hidden" name="csrf" value="{{csrf}}"><button>Send a test event</button></form>
        <form method="post" action="/dashboard/webhook/secret"><input type="hidden" name="csrf" value="{{csrf}}"><button>Rotate the signing secret</button></form>
        <form method="post" action="/dashboard/deliveries/resend"><input type="hidden" name="csrf" value="{{csrf}}"><button>Resend all failed ({{failedCount}})</button></form>{{/session}}
        </div>
        <table class="list messages"><thead><tr><th>Message</th><th>Type</th><th>User</th><th>Status</th><th class="num">Attempts</th>
        <th>Last answer</th><th>Next try</th><th></th></tr></thead><tbody>
        {{#messages}}<tr class="{{status}}"><td><a href="{{href}}"><code>{{id}}</code></a></td><td>{{kind}}</td><td><code>{{userID}}</code></td>
        <td>{{status}}</td><td class="num">{{attempts}}</td><td>{{lastResult}}</td><td>{{nextTry}}</td>
        <td>{{#failed}}<form method="post" action="/dashboard/deliveries/resend"><input type="hidden" name="csrf" value="{{session.csrf}}">
        <input type="hidden" name="id" value="{{id}}"><button>Resend</button></form>{{/failed}}</td></tr>
        {{/messages}}{{^messages}}<tr><td colspan="8">No messages yet.</td></tr>{{/messages}}
        </tbody></table>
        {{/body}}{{/layout}}
        """

    static let message = """
        {{<layout}}{{$title}}{{message.id}} · Slipstream{{/title}}{{$body}}
        <p class="crumbs"><a href="/dashboard/deliveries">Deliveries</a></p>
        {{#message}}<h1>Message <code>{{id}}</code></h1>
        <p>{{kind}} for <code>{{userID}}</code> · {{status}} after {{attempts}} attempts · last answer: {{lastResult}} · next try: {{nextTry}}</p>{{/message}}
        <h2>Body</h2><pre class="body">{{body}}</pre>
        {{/body}}{{/layout}}
        """

    static let connect = """
        {{<layout}}{{$title}}Upload your rides · {{developerName}}{{/title}}{{$head}}
        <script src="/static/upload.js" defer></script>{{/head}}{{$body}}
        <h1>Bring your rides to {{developerName}}</h1>
        <p>Plug your Xoss head unit in, open its <code>Activity</code> (or <code>Record</code>) folder, and drop its
        <code>.fit</code> files here. Terra JSON files (also gzip) work too.</p>
        <form method="post" action="{{uploadURL}}" enctype="multipart/form-data" class="upload" id="upload" data-url="{{uploadURL}}">
        <label class="drop">Choose files or drop them here <input type="file" name="file" multiple accept=".fit,.FIT,.json,.gz"></label>
        <button>Upload</button></form>
        <ul class="outcomes" id="outcomes" aria-live="polite">{{#outcomes}}<li>{{.}}</li>{{/outcomes}}</ul>
        <h2>Rides here so far</h2>
        <table class="list"><thead><tr><th>Name</th><th>Start</th><th class="num">Duration</th><th class="num">Distance</th></tr></thead><tbody>
        {{#rides}}<tr><td>{{name}}</td><td>{{start}}</td><td class="num">{{duration}}</td><td class="num">{{distance}}</td></tr>{{/rides}}
        {{^rides}}<tr><td colspan="4">None yet.</td></tr>{{/rides}}
        </tbody></table>
        {{/body}}{{/layout}}
        """
}
