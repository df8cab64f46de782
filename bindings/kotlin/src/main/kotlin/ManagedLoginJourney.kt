// Managed login (the hosted UI) and token verification through the generated Kotlin, on the JVM,
// against `cognito-auth serve` (pool.json: the client `ktoauthclient0001`, the user `lee` with
// TOTP MFA). The program plays the browser that Custom Tabs would be: it GETs the authorize URL,
// POSTs the login page's form and then the TOTP page's, and takes the redirect's Location
// (nothing listens on myapp://callback). run.sh runs it after the journey as
//
//   java ... ManagedLoginMain <endpoint> <pool id>
//
// Prints one line per test and `kotlin managed login: N passed, M failed`; exits non-zero on any
// failure. Uses the helpers of Journey.kt and AccountJourney.kt (check, http, now, expect, ...).

import cognitoauth.AuthorizationCode
import cognitoauth.CognitoException
import cognitoauth.DeviceCredentials
import cognitoauth.DeviceStore
import cognitoauth.Header
import cognitoauth.JwtVerifier
import cognitoauth.LoginDomain
import cognitoauth.ManagedLogin
import cognitoauth.OAuthRequest
import cognitoauth.PendingLogin
import cognitoauth.PoolConfig
import cognitoauth.RedirectErrorKind
import cognitoauth.Secret
import cognitoauth.TokenErrorKind
import cognitoauth.Tokens
import cognitoauth.accessClaims
import cognitoauth.idClaims
import cognitoauth.totpCode
import java.net.URI
import java.net.URLDecoder
import java.net.URLEncoder
import java.net.http.HttpRequest as JHttpRequest
import java.net.http.HttpResponse as JHttpResponse
import java.time.Duration
import kotlin.system.exitProcess

// The managed-login client and user of pool.json.
const val OAUTH_CLIENT_ID = "ktoauthclient0001"
const val OAUTH_SECRET = "ktoauthclientsecret0123456789abcdef0"
const val OAUTH_USER = "lee"
const val OAUTH_PASSWORD = "Correct-Horse-9"
const val OAUTH_TOTP = "KRUGS4ZANFZSAYJAORSXG5BAONSWG4TF"
const val CALLBACK = "myapp://callback"

/** What the tests carry from one to the next, as the app would between the two activities. */
class ManagedLoginState(val config: PoolConfig, val endpoint: String, val poolId: String) {
    val login = ManagedLogin(config, LoginDomain.BaseUrl(endpoint), CALLBACK)
    var exported: Secret? = null
    var location: String? = null
    var tokens: Tokens? = null

    fun pending() = PendingLogin.importLogin(exported ?: throw Failure("no pending login"))
    fun tokens() = tokens ?: throw Failure("no tokens from an earlier step")
}

/** A browser's request: GET, or POST of a form; redirects are not followed (the default). */
fun browse(url: String, form: Map<String, String>? = null): JHttpResponse<String> {
    val builder = JHttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
    if (form != null) {
        val body = form.entries.joinToString("&") { (k, v) ->
            URLEncoder.encode(k, Charsets.UTF_8) + "=" + URLEncoder.encode(v, Charsets.UTF_8)
        }
        builder.header("Content-Type", "application/x-www-form-urlencoded")
            .POST(JHttpRequest.BodyPublishers.ofString(body))
    }
    return http.send(builder.build(), JHttpResponse.BodyHandlers.ofString())
}

/** Sends an `OAuthRequest`: its headers, and `Authorization` when it has one. */
fun sendOAuth(request: OAuthRequest): Reply {
    val builder = JHttpRequest.newBuilder(URI.create(request.url)).timeout(Duration.ofSeconds(30))
    for (header in request.headers) builder.header(header.name, header.value)
    request.authorization?.let { builder.header("Authorization", it.reveal()) }
    if (request.method == "POST") {
        builder.POST(JHttpRequest.BodyPublishers.ofString(request.body.reveal()))
    }
    val response = http.send(builder.build(), JHttpResponse.BodyHandlers.ofByteArray())
    val headers = response.headers().map().flatMap { (name, values) -> values.map { Header(name, it) } }
    return Reply(response.statusCode(), headers, response.body())
}

fun queryOf(url: String): Map<String, String> =
    URI.create(url).rawQuery.split('&').associate {
        val (name, value) = it.split('=', limit = 2)
        URLDecoder.decode(name, Charsets.UTF_8) to URLDecoder.decode(value, Charsets.UTF_8)
    }

/** A page's form: its action (HTML-unescaped) and its hidden inputs. */
fun formOf(page: String): Pair<String, Map<String, String>> {
    val action = Regex("""<form method="post" action="([^"]+)"""").find(page)?.groupValues?.get(1)
        ?: throw Failure("no form in ${page.take(300)}")
    val hidden = Regex("""<input type="hidden" name="([^"]+)" value="([^"]*)"""").findAll(page)
        .associate { it.groupValues[1] to it.groupValues[2] }
    return action.replace("&amp;", "&") to hidden
}

fun authorizeAndExportThePendingLogin(s: ManagedLoginState) {
    val pending = s.login.authorize(listOf("openid", "email"), loginHint = OAUTH_USER, lang = "de")
    val query = queryOf(pending.authorizeUrl())
    check(query["code_challenge_method"] == "S256" && query["code_challenge"]?.length == 43) { "$query" }
    check(query["login_hint"] == OAUTH_USER && query["lang"] == "de" && query["client_id"] == OAUTH_CLIENT_ID) { "$query" }
    val exported = pending.export()
    val saved = exported.reveal()
    val secrets = listOf("state", "code_verifier", "nonce").map { key ->
        Regex(""""$key":"([^"]+)"""").find(saved)?.groupValues?.get(1) ?: throw Failure("no $key")
    }
    assertNeverPrinted(secrets, pending, exported, pending.nonce())
    expect<CognitoException.InvalidInput>("a garbage login") { PendingLogin.importLogin(Secret("{no")) }
    expect<CognitoException.InvalidInput>("a bad scope") { s.login.authorize(listOf("open id")) }
    s.exported = exported
}

fun loginPageWithTotpRedirectsToTheCallback(s: ManagedLoginState) {
    val pending = s.pending()
    val base = s.endpoint.trimEnd('/')
    val page = browse(pending.authorizeUrl())
    check(page.statusCode() == 200) { "login page ${page.statusCode()}" }
    check(Regex("""id="username"[^>]*value="$OAUTH_USER"""").containsMatchIn(page.body())) { "no login_hint" }
    val (action, _) = formOf(page.body())
    val mfa = browse(base + action, mapOf("username" to OAUTH_USER, "password" to OAUTH_PASSWORD))
    check(mfa.statusCode() == 200 && "name=\"code\"" in mfa.body()) { "no TOTP page: ${mfa.body().take(300)}" }
    val (mfaAction, hidden) = formOf(mfa.body())
    val redirect = browse(base + mfaAction, hidden + ("code" to totpCode(OAUTH_TOTP, now())))
    check(redirect.statusCode() == 302) { "after the code: ${redirect.statusCode()} ${redirect.body().take(300)}" }
    val location = redirect.headers().firstValue("Location").orElse("")
    check(location.startsWith("$CALLBACK?code=")) { location }
    s.location = location
}

fun badCallbacksAreTypedErrors(s: ManagedLoginState) {
    val pending = s.pending()
    val state = queryOf(pending.authorizeUrl())["state"]!!
    val forged = expect<CognitoException.InvalidRedirect>("a forged state") {
        pending.callback("$CALLBACK?code=abc&state=${state.dropLast(1)}X")
    }
    check(forged.kind == RedirectErrorKind.STATE_MISMATCH) { "${forged.kind}" }
    val missing = expect<CognitoException.InvalidRedirect>("no code") { pending.callback("$CALLBACK?state=$state") }
    check(missing.kind == RedirectErrorKind.MISSING_CODE) { "${missing.kind}" }
    val denied = expect<CognitoException.AuthorizationServer>("an error redirect") {
        pending.callback("$CALLBACK?error=access_denied&error_description=Cancelled&state=$state")
    }
    check(denied.code == "access_denied" && denied.description == "Cancelled" && denied.status == null) { "$denied" }
}

fun theCodeIsExchangedForTokens(s: ManagedLoginState) {
    val pending = s.pending()
    val code: AuthorizationCode = pending.callback(s.location ?: throw Failure("no callback"))
    val request = s.login.tokenRequest(pending, code)
    check(request.authorization?.reveal()?.startsWith("Basic ") == true) { "no client authentication" }
    check(request.headers.none { it.name.equals("Authorization", true) }) { "Authorization among the headers" }
    val reply = sendOAuth(request)
    val tokens = s.login.handleTokenResponse(reply.status.toUShort(), reply.headers, reply.body, now())
    jwtCheck(tokens.idToken, "the ID token")
    check(tokens.refreshToken != null) { "no refresh token" }
    assertNeverPrinted(listOf(request.body.reveal(), request.authorization!!.reveal()), request, code)
    assertNeverPrinted(listOf(tokens.idToken.reveal(), tokens.accessToken.reveal()), tokens)
    s.tokens = tokens
}

fun jwtVerifierVerifiesAndRefuses(s: ManagedLoginState) {
    val tokens = s.tokens()
    val issuer = s.endpoint.trimEnd('/') + "/" + s.poolId
    val jwks = browse("$issuer/.well-known/jwks.json").body()
    val verifier = JwtVerifier(issuer, OAUTH_CLIENT_ID, jwks)
    val id = verifier.verifyIdToken(tokens.idToken, now(), s.pending().nonce())
    check(id.claims.internalUsername == OAUTH_USER && id.claims.tokenUse == "id") { "${id.claims}" }
    val access = verifier.verifyAccessToken(tokens.accessToken, now())
    check(access.claims.sub == id.claims.sub && "openid" in access.scopes) { "$access" }
    check(idClaims(tokens).sub == id.claims.sub && accessClaims(tokens).exp == access.claims.exp) { "claims" }

    fun refused(kind: TokenErrorKind, block: () -> Unit) {
        val e = expect<CognitoException.InvalidToken>("$kind", block)
        check(e.kind == kind) { "${e.kind} instead of $kind: $e" }
    }
    val (header, payload, signature) = tokens.idToken.reveal().split('.')
    val tampered = payload.dropLast(4) + if (payload.endsWith("AAAA")) "BBBB" else "AAAA"
    refused(TokenErrorKind.BAD_SIGNATURE) { verifier.verifyIdToken(Secret("$header.$tampered.$signature"), now(), null) }
    refused(TokenErrorKind.NONCE) { verifier.verifyIdToken(tokens.idToken, now(), Secret("another-nonce")) }
    refused(TokenErrorKind.EXPIRED) { verifier.verifyAccessToken(tokens.accessToken, now() + 864_000u) }
    refused(TokenErrorKind.AUDIENCE) { JwtVerifier(issuer, "anotherclient", jwks).verifyAccessToken(tokens.accessToken, now()) }
    val rotated = jwks.replace("\"kid\":\"", "\"kid\":\"rotated-")
    refused(TokenErrorKind.UNKNOWN_KEY) { JwtVerifier(issuer, OAUTH_CLIENT_ID, rotated).verifyAccessToken(tokens.accessToken, now()) }
    refused(TokenErrorKind.JWKS) { JwtVerifier(issuer, OAUTH_CLIENT_ID, """{"keys":[]}""") }
}

fun userInfoRefreshAndRevoke(s: ManagedLoginState) {
    val tokens = s.tokens()
    val login = s.login
    val info = sendOAuth(login.userinfoRequest(tokens.accessToken)).let {
        login.handleUserinfoResponse(it.status.toUShort(), it.headers, it.body)
    }
    check(info.username == OAUTH_USER) { "$info" }
    val refresh = tokens.refreshToken!!
    val refreshed = sendOAuth(login.refreshRequest(refresh)).let {
        login.handleRefreshResponse(it.status.toUShort(), it.headers, it.body, now(), refresh)
    }
    jwtCheck(refreshed.accessToken, "the refreshed access token")
    sendOAuth(login.revokeRequest(refresh)).let { login.handleRevokeResponse(it.status.toUShort(), it.headers, it.body) }
    val refused = expect<CognitoException.AuthorizationServer>("a revoked refresh token") {
        sendOAuth(login.refreshRequest(refresh)).let {
            login.handleRefreshResponse(it.status.toUShort(), it.headers, it.body, now(), refresh)
        }
    }
    check(refused.code == "invalid_grant" && !refused.retryable) { "$refused" }
    check(login.logoutUrl("myapp://signed-out").contains("/logout?client_id=$OAUTH_CLIENT_ID")) { "logout URL" }
}

fun deviceStoreExportsAndImports(@Suppress("UNUSED_PARAMETER") s: ManagedLoginState) {
    val device = DeviceCredentials("us-east-1_dk", "dgk", Secret("device-password-kt"), "sub-lee")
    val store = DeviceStore()
    store.insert(OAUTH_USER, device)
    store.linkAlias("lee@example.com", "sub-lee")
    check(store.forUsername("lee@example.com") == device) { "alias lookup" }
    val exported = store.export()
    assertNeverPrinted(listOf("device-password-kt"), store, exported, device)
    val restored = DeviceStore.importStore(exported)
    check(restored.removeDevice("us-east-1_dk")?.devicePassword?.reveal() == "device-password-kt") { "removed" }
    check(restored.forUsername(OAUTH_USER) == null && store.forUsername(OAUTH_USER) != null) { "copy" }
    expect<CognitoException.InvalidInput>("a garbage store") { DeviceStore.importStore(Secret("[")) }
}

object ManagedLoginMain {
    @JvmStatic
    fun main(args: Array<String>) {
        if (args.size != 2) {
            System.err.println("usage: ManagedLoginMain <endpoint> <pool id>")
            exitProcess(2)
        }
        val (endpoint, poolId) = args
        val s = ManagedLoginState(PoolConfig(poolId, OAUTH_CLIENT_ID, OAUTH_SECRET, endpoint), endpoint, poolId)
        // In order: each step uses what the one before stored.
        val tests = listOf(
            "authorize_and_export_the_pending_login" to ::authorizeAndExportThePendingLogin,
            "login_page_with_totp_redirects_to_the_callback" to ::loginPageWithTotpRedirectsToTheCallback,
            "bad_callbacks_are_typed_errors" to ::badCallbacksAreTypedErrors,
            "the_code_is_exchanged_for_tokens" to ::theCodeIsExchangedForTokens,
            "jwt_verifier_verifies_and_refuses" to ::jwtVerifierVerifiesAndRefuses,
            "userinfo_refresh_and_revoke" to ::userInfoRefreshAndRevoke,
            "device_store_exports_and_imports" to ::deviceStoreExportsAndImports,
        )
        var passed = 0
        var failed = 0
        for ((name, test) in tests) {
            try {
                test(s)
                passed++
                println("ok   $name")
            } catch (e: Throwable) {
                failed++
                println("FAIL $name: $e")
                e.printStackTrace(System.out)
            }
        }
        println("kotlin managed login: $passed passed, $failed failed")
        exitProcess(if (failed == 0) 0 else 1)
    }
}
