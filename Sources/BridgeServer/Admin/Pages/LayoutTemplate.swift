/// Every page's frame: skip link, navigation, who is signed in, the flash message, then the page's own `<main>`.
enum LayoutTemplate {
    static let text = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · gitops-bridge</title>
        <link rel="stylesheet" href="/static/app.css">
        <script src="/static/app.js" defer></script>
        </head>
        <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
        <nav aria-label="Main">
        <a class="brand" href="/">gitops-bridge</a>
        {{#caller}}
        <ul class="nav-links">
        {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}
        </ul>
        {{/caller}}
        </nav>
        {{#caller}}
        <div class="who">
        <span>Signed in as <strong>{{name}}</strong> ({{role}})</span>
        {{#canSignOut}}
        <form id="logout" method="post" action="/logout">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" id="logout-button">Sign out</button>
        </form>
        {{/canSignOut}}
        </div>
        {{/caller}}
        </header>
        <main id="main" tabindex="-1">
        {{#flash}}<p id="flash" class="flash" role="status">{{flash}}</p>{{/flash}}
        {{{body}}}
        </main>
        </body>
        </html>

        """
}

/// What the layout shows around a page.
struct LayoutView {
    struct NavItem {
        let href: String
        let label: String
        let current: Bool
    }

    struct Caller {
        let name: String
        let role: String
        let canSignOut: Bool
    }

    let title: String
    let caller: Caller?
    let nav: [NavItem]
    let csrf: String
    let flash: String?
    let body: String

    init(title: String, section: String, caller: AdminCaller?, csrf: String, flash: String?, body: String) {
        self.title = title
        self.caller = caller.map { Caller(name: $0.name, role: $0.role.rawValue, canSignOut: !$0.viaTrustedHeader) }
        self.nav = [("/", "Overview"), ("/deliveries", "Deliveries"), ("/runs", "Runs")].map {
            NavItem(href: $0.0, label: $0.1, current: $0.0 == section)
        }
        self.csrf = csrf
        self.flash = flash
        self.body = body
    }
}
