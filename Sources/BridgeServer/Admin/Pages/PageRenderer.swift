import Mustache

/// The dashboard's Mustache templates, parsed once, and the page frame around each page.
///
/// The templates are Swift string literals (`…Template.text`) rather than bundle resources: an executable's
/// `Bundle.module` on Linux looks for a `…resources` folder next to the binary, which a copied binary leaves behind.
struct PageRenderer: Sendable {
    enum Name: String, CaseIterable {
        case layout, overview, deliveries, delivery, runs, run, login, error
    }

    /// Every template, parsed. Each page test renders each of them, so a template that does not parse fails there
    /// first; here it renders an empty page rather than stopping the bridge.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for name in Name.allCases {
            try? library.register(text(name), named: name.rawValue)
        }
        return library
    }()

    static func text(_ name: Name) -> String {
        switch name {
        case .layout: LayoutTemplate.text
        case .overview: OverviewTemplate.text
        case .deliveries: DeliveryTemplates.list
        case .delivery: DeliveryTemplates.detail
        case .runs: RunTemplates.list
        case .run: RunTemplates.detail
        case .login: LoginTemplate.text
        case .error: LoginTemplate.error
        }
    }

    /// A whole page: `view` rendered with `template`, inside the layout.
    func page(_ template: Name, _ view: Any, title: String, section: String, caller: AdminCaller?, csrf: String, flash: String?) -> String {
        let body = Self.library.render(view, withTemplate: template.rawValue) ?? ""
        let layout = LayoutView(title: title, section: section, caller: caller, csrf: csrf, flash: flash, body: body)
        return Self.library.render(layout, withTemplate: Name.layout.rawValue) ?? ""
    }
}
