// The layout every page inherits, sign-in, users and one user's history.

extension WebPages {
    static let layout = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{$title}}Slipstream{{/title}}</title>
        <link rel="stylesheet" href="/static/slipstream.css">{{$head}}{{/head}}
        </head><body>
        <header class="top"><a class="brand" href="/dashboard">Slipstream</a>
        {{#session}}<nav><a href="/dashboard/users">Users</a><a href="/dashboard/deliveries">Deliveries</a><a href="/dashboard/settings">Data scopes</a></nav>
        <form method="post" action="/dashboard/signout" class="signout"><input type="hidden" name="csrf" value="{{csrf}}">
        <span>{{developerName}} <code>{{developerID}}</code></span> <button>Sign out</button></form>{{/session}}
        </header>
        <main>{{$body}}{{/body}}</main>
        </body></html>
        """

    static let signIn = """
        {{<layout}}{{$title}}Sign in · Slipstream{{/title}}{{$body}}
        <h1>Sign in</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/dashboard/signin" class="signin">
        <label>Developer id <input name="dev_id" value="{{developerID}}" required autocomplete="username"></label>
        <label>API key <input name="api_key" type="password" required autocomplete="current-password"></label>
        <button>Sign in</button></form>
        <p class="hint">The pair your API calls send as <code>dev-id</code> and <code>x-api-key</code>.</p>
        {{/body}}{{/layout}}
        """

    static let users = """
        {{<layout}}{{$title}}Users · Slipstream{{/title}}{{$body}}
        <h1>Users</h1>
        <form method="get" action="/dashboard/users" class="search">
        <label>Reference id starts with <input name="q" value="{{query}}"></label> <button>Search</button></form>
        <p class="count">{{range}} of {{total}}</p>
        <table class="list"><thead><tr><th>Reference id</th><th>User id</th><th>Provider</th><th>Created</th>
        <th>Last activity</th><th class="num">Activities</th></tr></thead><tbody>
        {{#users}}<tr><td><a href="{{href}}">{{referenceID}}</a></td><td><a href="{{href}}"><code>{{userID}}</code></a></td>
        <td>{{provider}}</td><td>{{created}}</td><td>{{lastActivity}}</td><td class="num">{{activityCount}}</td></tr>
        {{/users}}{{^users}}<tr><td colspan="6">No users here.</td></tr>{{/users}}
        </tbody></table>
        <nav class="pages">{{#previous}}<a rel="prev" href="{{href}}">{{text}}</a>{{/previous}}
        {{#next}}<a rel="next" href="{{href}}">{{text}}</a>{{/next}}</nav>
        {{/body}}{{/layout}}
        """

    static let user = """
        {{<layout}}{{$title}}{{referenceID}} · Slipstream{{/title}}{{$body}}
        <p class="crumbs"><a href="/dashboard/users">Users</a></p>
        <h1>{{referenceID}}</h1>
        <p>User <code>{{userID}}</code> · <a href="{{connectLink}}">the user's upload page</a></p>
        <form method="get" class="range"><label>From <input type="date" name="from" value="{{from}}"></label>
        <label>to <input type="date" name="to" value="{{to}}"></label> <button>Show</button></form>
        <h2>Weekly totals</h2>
        <table class="weeks"><thead><tr><th>Week of</th><th class="num">Activities</th><th class="num">Duration</th>
        <th class="num">Distance</th></tr></thead><tbody>
        {{#weeks}}<tr><td>{{week}}</td><td class="num">{{activities}}</td><td class="num">{{duration}}</td>
        <td class="num">{{distance}}</td></tr>{{/weeks}}
        </tbody></table>
        <h2>Activities</h2>
        <table class="list activities"><thead><tr><th>Name</th><th>Sport</th><th>Start</th><th class="num">Duration</th>
        <th class="num">Distance</th><th class="num">Avg HR</th><th class="num">Avg power</th></tr></thead><tbody>
        {{#activities}}<tr><td><a href="{{href}}">{{name}}</a></td><td>{{sport}}</td><td>{{start}}</td>
        <td class="num">{{duration}}</td><td class="num">{{distance}}</td><td class="num">{{averageHeartRate}}</td>
        <td class="num">{{averagePower}}</td></tr>
        {{/activities}}{{^activities}}<tr><td colspan="7">No activities in these dates.</td></tr>{{/activities}}
        </tbody></table>
        {{#more}}<p><a href="{{href}}">{{text}}</a></p>{{/more}}
        {{/body}}{{/layout}}
        """
}
