/// `GET /login`, and the page of an error.
enum LoginTemplate {
    static let text = """
        <h1>Sign in</h1>
        {{#problem}}<p class="problem" role="alert">{{problem}}</p>{{/problem}}
        {{#noTokens}}<p class="problem">No admin token is configured: start the bridge with <code>--admin-token NAME=ROLE:REF</code> to sign in here.</p>{{/noTokens}}
        <form id="login" class="login" method="post" action="/login">
        <input type="hidden" name="next" value="{{next}}">
        <div class="field"><label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required></div>
        <button type="submit" id="login-button">Sign in</button>
        </form>
        <p class="hint">Use a token given to the bridge with <code>--admin-token</code>. The session ends after {{hours}} hours, on sign-out, or when the bridge restarts.</p>

        """

    static let error = """
        <h1>{{heading}}</h1>
        <p class="problem">{{message}}</p>
        <p><a href="/">Back to the overview</a></p>

        """
}
