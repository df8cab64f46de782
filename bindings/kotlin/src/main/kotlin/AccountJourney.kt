// The account journey of a new user, as an Android app would drive it through the generated
// bindings, against `cognito-auth serve` (pool.json: MFA required with TOTP only, devices
// remembered on the user's say-so, refresh-token rotation with a grace period and revocation,
// an app client with a secret, so every SignUp / ConfirmSignUp / ForgotPassword carries
// SECRET_HASH, which the pool checks). Mirrors the Python journey of
// bindings/cognito-auth-ffi/tests/bindings/test_sign_in.py. Each step is one counted test and
// uses what the one before stored in `AccountJourney`.

import cognitoauth.AccountCall
import cognitoauth.AuthChallenge
import cognitoauth.AuthFlow
import cognitoauth.ChallengeAnswer
import cognitoauth.ChangePassword
import cognitoauth.CognitoException
import cognitoauth.DeviceConfirmation
import cognitoauth.DeviceCredentials
import cognitoauth.GetUser
import cognitoauth.GlobalSignOut
import cognitoauth.Header
import cognitoauth.HttpRequest
import cognitoauth.ListDevices
import cognitoauth.MfaPreference
import cognitoauth.NextStep
import cognitoauth.PasswordResetFlow
import cognitoauth.PasswordResetStep
import cognitoauth.PoolConfig
import cognitoauth.Refresh
import cognitoauth.RefreshFlow
import cognitoauth.RefreshOutcome
import cognitoauth.Secret
import cognitoauth.SetUserMfaPreference
import cognitoauth.SignInSession
import cognitoauth.SignUpFlow
import cognitoauth.SignUpStep
import cognitoauth.StoredSession
import cognitoauth.TokenManager
import cognitoauth.Tokens
import cognitoauth.UpdateUserAttributes
import cognitoauth.totpCode
import java.net.URI
import java.net.http.HttpRequest as JHttpRequest
import java.net.http.HttpResponse as JHttpResponse

// The journey's app client in pool.json.
const val JOURNEY_CLIENT_ID = "ktjourneyclient001"
const val JOURNEY_SECRET = "ktjourneyclientsecret0123456789abcdef"
const val NEW_USER = "kira"
const val FIRST_PASSWORD = "First-Horse-1!"
const val SECOND_PASSWORD = "Second-Horse-2!"
const val THIRD_PASSWORD = "Third-Horse-3!"

/** What the journey carries from one step to the next, as an app's keystore would. */
class AccountJourney(val config: PoolConfig, val endpoint: String) {
    var userSub: String? = null
    var tokens: Tokens? = null
    var device: DeviceCredentials? = null
    var manager: TokenManager? = null
    var oldTokens: Tokens? = null

    fun tokens() = tokens ?: throw Failure("no tokens from an earlier step")
    fun device() = device ?: throw Failure("no remembered device from an earlier step")
    fun manager() = manager ?: throw Failure("no token manager from an earlier step")
    fun access() = manager().accessToken(now()) ?: tokens().accessToken
}

/** Runs `block`, which must throw an `E`; returns it. */
inline fun <reified E : CognitoException> expect(what: String, block: () -> Unit): E {
    try {
        block()
    } catch (e: CognitoException) {
        check(e is E) { "$what: ${e::class.simpleName} instead of ${E::class.simpleName}: $e" }
        check(e.toString().isNotEmpty()) { "$what: an empty error" }
        return e as E
    }
    throw Failure("$what did not throw ${E::class.simpleName}")
}

fun expectService(code: String, what: String, block: () -> Unit) {
    val e = expect<CognitoException.Service>(what, block)
    check(e.code == code) { "$what: code ${e.code} instead of $code" }
}

/** Sends `request` and hands the reply to `handle` (an operation's `handleResponse`). */
fun <T> exchange(request: HttpRequest, handle: (UShort, List<Header>, ByteArray) -> T): T {
    val reply = send(request)
    return handle(reply.status.toUShort(), reply.headers, reply.body)
}

/** The newest code the local pool "sent" to `username` and how many it sent (GET /_testkit/outbox). */
fun outboxCode(endpoint: String, username: String, after: Int = 0): Pair<String, Int> {
    val get = JHttpRequest.newBuilder(URI.create(endpoint.trimEnd('/') + "/_testkit/outbox")).GET().build()
    val body = http.send(get, JHttpResponse.BodyHandlers.ofString()).body()
    // The messages are flat JSON objects: {"code":"..","destination":..,"username":"..",...}.
    val codes = Regex("""\{[^{}]*\}""").findAll(body).mapNotNull { message ->
        val text = message.value
        val user = Regex(""""username":"([^"]*)"""").find(text)?.groupValues?.get(1)
        val code = Regex(""""code":"([^"]*)"""").find(text)?.groupValues?.get(1)
        if (user == username) code else null
    }.toList()
    check(codes.size > after) { "no new code for $username in the outbox: $body" }
    return codes.last() to codes.size
}

fun signUpAndConfirmFromTheOutbox(j: AccountJourney) {
    val flow = SignUpFlow(j.config, NEW_USER, Secret(FIRST_PASSWORD), mapOf("email" to "kira@example.com", "name" to "Kira"))
    expect<CognitoException.Misuse>("confirm before start") { flow.confirm(Secret("123456")) }
    var step = exchange(flow.start(), flow::handleResponse)
    check(step is SignUpStep.ConfirmationRequired) { "step $step" }
    val required = step as SignUpStep.ConfirmationRequired
    check(required.userSub.isNotEmpty() && flow.userSub() == required.userSub) { "user sub" }
    check(required.delivery?.medium == "EMAIL" && required.delivery?.attributeName == "email") { "delivery ${required.delivery}" }
    expect<CognitoException.Misuse>("start twice") { flow.start() }
    // A wrong code, then a new code, then the right one.
    val wrong = flow.confirm(Secret("000000"))
    expectService("CodeMismatchException", "a wrong code") { exchange(wrong, flow::handleResponse) }
    check(flow.isAwaitingCode()) { "a wrong code ended the flow" }
    val (_, sent) = outboxCode(j.endpoint, NEW_USER)
    step = exchange(flow.resendCode(), flow::handleResponse)
    check(step is SignUpStep.CodeResent) { "step $step" }
    val (code, _) = outboxCode(j.endpoint, NEW_USER, after = sent)
    step = exchange(flow.confirm(Secret(code)), flow::handleResponse)
    check(step is SignUpStep.Confirmed && step.userSub == required.userSub) { "step $step" }
    check(flow.isDone()) { "not done" }
    expect<CognitoException.Misuse>("resend after confirming") { flow.resendCode() }
    j.userSub = required.userSub
}

fun srpSignInEnrolsTotpAtMfaSetup(j: AccountJourney) {
    val session = SignInSession(j.config, NEW_USER, FIRST_PASSWORD)
    var step = drive(session, session.start())
    val challenge = (step as? NextStep.Challenge)?.challenge
    check(challenge is AuthChallenge.MfaSetup && "SOFTWARE_TOKEN_MFA" in challenge.factors) { "step $step" }
    step = drive(session, session.answer(ChallengeAnswer.SetUpTotp))
    val setup = ((step as? NextStep.Challenge)?.challenge as? AuthChallenge.TotpSetup)?.setup
        ?: throw Failure("expected TOTP setup, got $step")
    val secret = setup.secret.reveal()
    check(setup.uri.reveal().startsWith("otpauth://totp/")) { "the otpauth URI" }
    assertNeverPrinted(listOf(secret), setup, step)
    step = drive(session, session.answer(ChallengeAnswer.VerifyTotp(Secret(totpCode(secret, now())), "phone")))
    check(step is NextStep.Done) { "step $step" }
    val tokens = (step as NextStep.Done).tokens
    jwtCheck(tokens.accessToken, "access token")
    check(tokens.newDevice != null) { "the pool tracks devices: a new device is expected" }
    j.tokens = tokens
}

fun deviceConfirmedAndRemembered(j: AccountJourney) {
    val tokens = j.tokens()
    val confirmation = DeviceConfirmation(j.config, tokens)
    val confirmed = exchange(confirmation.start("Kira's phone"), confirmation::handleResponse)
    val device = confirmed.credentials
    check(device.deviceKey == tokens.newDevice?.deviceKey) { "device key ${device.deviceKey}" }
    check(device.userSub == j.userSub) { "device user sub ${device.userSub}" }
    check(confirmed.userConfirmationNecessary) { "user_opt_in pools ask the user" }
    exchange(confirmation.remember(true), confirmation::handleStatusResponse)
    j.device = device
}

fun getUserUpdateAndVerifyAnAttribute(j: AccountJourney) {
    val access = j.tokens().accessToken
    val get = GetUser(j.config, access)
    val user = exchange(get.request(), get::handleResponse)
    check(user.username == NEW_USER) { "user ${user.username}" }
    check(user.attributes["email"] == "kira@example.com" && user.attributes["sub"] == j.userSub) { "attributes ${user.attributes}" }
    check("SOFTWARE_TOKEN_MFA" in user.mfaMethods) { "MFA methods ${user.mfaMethods}" }
    val update = UpdateUserAttributes(j.config, access, mapOf("name" to "Kira Q"))
    check(exchange(update.request(), update::handleResponse).isEmpty()) { "a code for a name" }
    check(exchange(get.request(), get::handleResponse).attributes["name"] == "Kira Q") { "the name did not change" }
    // A new e-mail address: a code goes to it; verifying it through the generic call.
    val email = UpdateUserAttributes(j.config, access, mapOf("email" to "kira@example.org"))
    val deliveries = exchange(email.request(), email::handleResponse)
    check(deliveries.singleOrNull()?.attributeName == "email") { "deliveries $deliveries" }
    val (code, _) = outboxCode(j.endpoint, NEW_USER)
    val verify = AccountCall(j.config, "VerifyUserAttribute",
        """{"AccessToken":"${access.reveal()}","AttributeName":"email","Code":"$code"}""")
    check(exchange(verify.request(), verify::handleResponse).reveal() == "{}") { "VerifyUserAttribute output" }
    val after = exchange(get.request(), get::handleResponse).attributes
    check(after["email"] == "kira@example.org" && after["email_verified"] == "true") { "attributes $after" }
}

fun setMfaPreference(j: AccountJourney) {
    val access = j.tokens().accessToken
    val set = SetUserMfaPreference(j.config, access, null, MfaPreference(enabled = true, preferred = true), null)
    exchange(set.request(), set::handleResponse)
    val get = GetUser(j.config, access)
    val user = exchange(get.request(), get::handleResponse)
    check(user.preferredMfa == "SOFTWARE_TOKEN_MFA") { "preferred MFA ${user.preferredMfa}" }
}

fun listDevices(j: AccountJourney) {
    val list = ListDevices(j.config, j.tokens().accessToken, 10u, null)
    val listed = exchange(list.request(), list::handleResponse)
    check(listed.devices.map { it.deviceKey } == listOf(j.device().deviceKey)) { "devices $listed" }
    check(listed.devices[0].name in listOf(null, "Kira's phone")) { "device name ${listed.devices[0].name}" }
    check(listed.paginationToken == null) { "one page" }
}

fun tokenManagerRefreshesAfterALostReply(j: AccountJourney) {
    val tokens = j.tokens()
    val manager = TokenManager(j.config, tokens)
    val start = now()
    check(manager.pollRefresh(start) == null) { "fresh tokens are not due" }
    val due = manager.nextRefreshAt() ?: throw Failure("no refresh time")
    check(start < due && due <= tokens.expiresAt) { "due $due" }
    expect<CognitoException.Misuse>("a transport failure with no refresh out") { manager.handleTransportFailure(start) }
    val lost = manager.pollRefresh(due) ?: throw Failure("no refresh when due")
    check(manager.isRefreshing()) { "not refreshing" }
    check(manager.pollRefresh(due) == null) { "a second refresh while one is out" }
    send(lost) // it reaches the pool (which rotates the token), but the reply is lost
    manager.handleTransportFailure(due)
    check(!manager.isRefreshing() && manager.pollRefresh(due) == null) { "no backoff after a failure" }
    val retryAt = manager.nextRefreshAt() ?: throw Failure("no retry time")
    check(due < retryAt && retryAt <= due + 1u) { "retry at $retryAt after $due" }
    // The retry still carries the old refresh token: inside the grace period it is honoured.
    val outcome = exchange(manager.pollRefresh(retryAt) ?: throw Failure("no retry")) { s, h, b ->
        manager.handleRefreshResponse(s, h, b, retryAt)
    }
    val refreshed = (outcome as? RefreshOutcome.Refreshed)?.tokens ?: throw Failure("outcome $outcome")
    check(refreshed.refreshToken != tokens.refreshToken) { "the refresh token did not rotate" }
    check(manager.tokens() == refreshed) { "the manager holds other tokens" }
    expect<CognitoException.Misuse>("a reply with no refresh out") {
        manager.handleRefreshResponse(200u, listOf(), "{}".toByteArray(), retryAt)
    }
    check(manager.accessToken(now()) == refreshed.accessToken) { "the access token" }
    j.oldTokens = tokens
    j.tokens = refreshed
    j.manager = manager
}

fun changePassword(j: AccountJourney) {
    val access = j.access()
    val wrong = ChangePassword(j.config, access, Secret("Wrong-Horse-0!"), Secret(SECOND_PASSWORD))
    expectService("NotAuthorizedException", "a wrong previous password") { exchange(wrong.request(), wrong::handleResponse) }
    val change = ChangePassword(j.config, access, Secret(FIRST_PASSWORD), Secret(SECOND_PASSWORD))
    exchange(change.request(), change::handleResponse)
    // The old password no longer signs in.
    val session = SignInSession(j.config, NEW_USER, FIRST_PASSWORD)
    expectService("NotAuthorizedException", "the old password") { drive(session, session.start()) }
}

fun forgotAndConfirmForgotPassword(j: AccountJourney) {
    val reset = PasswordResetFlow(j.config, NEW_USER)
    expect<CognitoException.Misuse>("confirm before start") { reset.confirm(Secret("1"), Secret(THIRD_PASSWORD)) }
    var step = exchange(reset.start(), reset::handleResponse)
    check(step is PasswordResetStep.CodeSent && step.delivery?.medium == "EMAIL") { "step $step" }
    expect<CognitoException.Misuse>("start twice") { reset.start() }
    val (code, _) = outboxCode(j.endpoint, NEW_USER)
    step = exchange(reset.confirm(Secret(code), Secret(THIRD_PASSWORD)), reset::handleResponse)
    check(step is PasswordResetStep.Done && reset.isDone()) { "step $step" }
}

fun deviceSrpSignInSkipsMfaWithTheNewPassword(j: AccountJourney) {
    val session = SignInSession.withOptions(j.config, NEW_USER, THIRD_PASSWORD, AuthFlow.USER_SRP, j.device())
    val step = drive(session, session.start())
    check(step is NextStep.Done) { "expected tokens without MFA, got $step" }
    val tokens = (step as NextStep.Done).tokens
    check(tokens.newDevice == null) { "a remembered device is not new" }
    jwtCheck(tokens.accessToken, "access token")
}

fun globalSignOut(j: AccountJourney) {
    val signOut = GlobalSignOut(j.config, j.access())
    exchange(signOut.request(), signOut::handleResponse)
    // The access token is refused from now on.
    val get = GetUser(j.config, j.access())
    expectService("NotAuthorizedException", "GetUser after the sign-out") { exchange(get.request(), get::handleResponse) }
}

fun theOldRefreshTokenIsRefused(j: AccountJourney) {
    val manager = j.manager()
    val outcome = exchange(manager.refreshNow() ?: throw Failure("no refresh request")) { s, h, b ->
        manager.handleRefreshResponse(s, h, b, now())
    }
    check(outcome is RefreshOutcome.SignedOut && outcome.code == "NotAuthorizedException") { "outcome $outcome" }
    check(manager.tokens() == null && manager.nextRefreshAt() == null) { "the manager kept tokens" }
    expect<CognitoException.InvalidInput>("refresh with no tokens") { manager.refreshNow() }
    // And the refresh token from before the rotation, through a fresh Refresh.
    val old = j.oldTokens ?: throw Failure("no old tokens")
    val refresh = Refresh(j.config, old, RefreshFlow.GET_TOKENS_FROM_REFRESH_TOKEN)
    expectService("NotAuthorizedException", "the old refresh token") {
        exchange(refresh.request()) { s, h, b -> refresh.handleResponse(s, h, b, now()) }
    }
}

fun storeTheSessionAndRestoreIt(j: AccountJourney) {
    val tokens = j.tokens()
    val device = j.device()
    val stored = StoredSession(j.config, tokens, device, NEW_USER)
    val exported = stored.export()
    check(Regex(""""version":1\b""").containsMatchIn(exported.reveal())) { "no version 1" }
    assertNeverPrinted(listOfNotNull(tokens.refreshToken?.reveal(), device.devicePassword.reveal()), exported, stored)
    // What the app put in its Keystore-backed storage comes back after a restart.
    val restored = StoredSession.importSession(j.config, Secret(exported.reveal()))
    check(restored.tokens() == tokens && restored.device() == device) { "a different session" }
    check(restored.username() == NEW_USER && restored.clientId() == JOURNEY_CLIENT_ID) { "username / client" }
    val manager = TokenManager.fromSession(j.config, restored)
    check(manager.tokens() == tokens) { "the manager of the restored session" }
    // A session of another app client is refused, and so is a damaged one.
    val other = PoolConfig(j.config.poolId(), CLIENT_ID, null, j.endpoint)
    expect<CognitoException.InvalidInput>("another client's session") { StoredSession.importSession(other, Secret(exported.reveal())) }
    val half = exported.reveal().let { it.substring(0, it.length / 2) }
    expect<CognitoException.InvalidInput>("half a session") { StoredSession.importSession(j.config, Secret(half)) }
}

/** Garbage replies and calls out of turn are typed exceptions, never a crash. */
fun badInputIsTypedExceptions(j: AccountJourney) {
    val garbage = listOf(200 to "<html>".toByteArray(), 200 to "[1]".toByteArray(), 200 to ByteArray(256) { it.toByte() })
    val get = GetUser(j.config, Secret("not-a-token"))
    for ((status, body) in garbage) {
        expect<CognitoException.InvalidResponse>("GetUser given $status garbage") { get.handleResponse(status.toUShort(), listOf(), body) }
    }
    val call = AccountCall(j.config, "GetUser", """{"AccessToken":"t"}""")
    for ((status, body) in listOf(502 to ByteArray(0), 400 to "{".toByteArray(), 0 to byteArrayOf(-1))) {
        expect<CognitoException.Service>("AccountCall given $status") { call.handleResponse(status.toUShort(), listOf(), body) }
    }
    expect<CognitoException.InvalidInput>("an unknown operation") { AccountCall(j.config, "NoSuchOperation", "{}") }
    expect<CognitoException.InvalidInput>("input that is not JSON") { AccountCall(j.config, "GetUser", "{not json") }
    for ((status, body) in garbage + listOf(502 to ByteArray(0))) {
        val session = SignInSession(j.config, NEW_USER, THIRD_PASSWORD)
        session.start()
        expect<CognitoException>("a sign-in given $status garbage") {
            session.handleResponse(status.toUShort(), listOf(Header("Date", "garbage")), body, 0u)
        }
    }
    // Calls out of turn.
    val session = SignInSession(j.config, NEW_USER, THIRD_PASSWORD)
    expect<CognitoException.Misuse>("an answer before start") { session.answer(ChallengeAnswer.Code(Secret("123456"))) }
    expect<CognitoException.Misuse>("a reply before start") { session.handleResponse(200u, listOf(), "{}".toByteArray(), now()) }
    val flow = SignUpFlow(j.config, "nobody", Secret("Nobody-Horse-5!"), mapOf())
    expect<CognitoException.Misuse>("a sign-up reply before start") { flow.handleResponse(200u, listOf(), "{}".toByteArray()) }
    val reset = PasswordResetFlow(j.config, "nobody")
    expect<CognitoException.Misuse>("a resend before start") { reset.resendCode() }
    expect<CognitoException.InvalidInput>("a stored session that is not one") { StoredSession.importSession(j.config, Secret("garbage")) }
    expect<CognitoException.InvalidInput>("a suspended sign-in that is not one") { SignInSession.resume(j.config, "{not json") }
}

/** The journey's steps, in order. */
fun accountJourneyTests(endpoint: String, poolId: String): List<Pair<String, () -> Unit>> {
    val j = AccountJourney(PoolConfig(poolId, JOURNEY_CLIENT_ID, JOURNEY_SECRET, endpoint), endpoint)
    return listOf(
        "journey_sign_up_and_confirm_from_the_outbox" to { signUpAndConfirmFromTheOutbox(j) },
        "journey_srp_sign_in_enrols_totp_at_mfa_setup" to { srpSignInEnrolsTotpAtMfaSetup(j) },
        "journey_device_confirmed_and_remembered" to { deviceConfirmedAndRemembered(j) },
        "journey_get_user_update_and_verify_an_attribute" to { getUserUpdateAndVerifyAnAttribute(j) },
        "journey_set_mfa_preference" to { setMfaPreference(j) },
        "journey_list_devices" to { listDevices(j) },
        "journey_token_manager_refreshes_after_a_lost_reply" to { tokenManagerRefreshesAfterALostReply(j) },
        "journey_change_password" to { changePassword(j) },
        "journey_forgot_and_confirm_forgot_password" to { forgotAndConfirmForgotPassword(j) },
        "journey_device_srp_sign_in_skips_mfa" to { deviceSrpSignInSkipsMfaWithTheNewPassword(j) },
        "journey_global_sign_out" to { globalSignOut(j) },
        "journey_the_old_refresh_token_is_refused" to { theOldRefreshTokenIsRefused(j) },
        "journey_store_the_session_and_restore_it" to { storeTheSessionAndRestoreIt(j) },
        "bad_input_is_typed_exceptions" to { badInputIsTypedExceptions(j) },
    )
}
