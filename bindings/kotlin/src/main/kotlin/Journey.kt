// The Kotlin journey of cognito-auth-ffi on the JVM: the generated bindings (package
// `cognitoauth`, loaded with JNA) drive sign-ins against `cognito-auth serve` over real HTTP
// (java.net.http). run.sh generates the bindings, compiles this with them and runs it as
//
//   java -Djna.library.path=<dir of libcognito_auth_ffi> -cp ... JourneyKt <endpoint> <pool id>
//
// with the pool of pool.json; AccountJourney.kt adds a new user's whole journey. Prints one
// line per test and `kotlin: N passed, M failed`; exits non-zero on any failure.

import cognitoauth.AuthFlow
import cognitoauth.AuthChallenge
import cognitoauth.ChallengeAnswer
import cognitoauth.CognitoException
import cognitoauth.DeviceConfirmation
import cognitoauth.DeviceCredentials
import cognitoauth.Header
import cognitoauth.HttpRequest
import cognitoauth.NextStep
import cognitoauth.PoolConfig
import cognitoauth.Refresh
import cognitoauth.RefreshFlow
import cognitoauth.Secret
import cognitoauth.SignInSession
import cognitoauth.SignInStatus
import cognitoauth.Tokens
import cognitoauth.totpCode
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest as JHttpRequest
import java.net.http.HttpResponse as JHttpResponse
import java.time.Duration
import kotlin.system.exitProcess

// The pool of pool.json.
const val TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
const val CLIENT_ID = "ktrotatingclient01"
const val USER = "kim"
const val PASSWORD = "Correct-Horse-9"

class Failure(message: String) : Exception(message)

fun check(condition: Boolean, message: () -> String) {
    if (!condition) throw Failure(message())
}

/** A reply as the app's HTTP stack sees it. */
class Reply(val status: Int, val headers: List<Header>, val body: ByteArray)

val http: HttpClient = HttpClient.newBuilder()
    .version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(10))
    .build()

/** The app's HTTP: POST the request's body (`reveal()`) with its headers. */
fun send(request: HttpRequest): Reply {
    check(request.method == "POST") { "method ${request.method}" }
    val builder = JHttpRequest.newBuilder(URI.create(request.url))
        .timeout(Duration.ofSeconds(30))
        .POST(JHttpRequest.BodyPublishers.ofString(request.body.reveal()))
    for (header in request.headers) builder.header(header.name, header.value)
    val response = http.send(builder.build(), JHttpResponse.BodyHandlers.ofByteArray())
    val headers = response.headers().map().flatMap { (name, values) ->
        values.map { Header(name, it) }
    }
    return Reply(response.statusCode(), headers, response.body())
}

fun now(): ULong = (System.currentTimeMillis() / 1000).toULong()

/** Sends requests until the sign-in needs the user or is over. */
fun drive(session: SignInSession, first: HttpRequest): NextStep {
    var request = first
    while (true) {
        val reply = send(request)
        val step = session.handleResponse(reply.status.toUShort(), reply.headers, reply.body, now())
        if (step is NextStep.Send) request = step.request else return step
    }
}

fun jwtCheck(token: Secret, what: String) =
    check(token.reveal().count { it == '.' } == 2) { "$what is not a JWT" }

/** No secret, nor a long part of one (a JWT's segments), in any of the printed forms. */
fun assertNeverPrinted(secrets: List<String>, vararg shown: Any?) {
    val needles = secrets.flatMap { value ->
        check(value.length >= 8) { "a short secret ${value.length}" }
        listOf(value) + value.split('.').filter { it.length >= 16 }
    }
    for (value in shown) {
        for (printed in listOf(value.toString(), listOf(value).toString(), mapOf("v" to value).toString())) {
            for (needle in needles) {
                check(needle !in printed) { "${needle.take(12)}... is printed: ${printed.take(300)}" }
            }
        }
    }
}

/** What the journey carries from one test to the next, as an app's keystore would. */
class Journey(val config: PoolConfig) {
    var tokens: Tokens? = null
    var device: DeviceCredentials? = null
}

fun srpSignInWithTotpMfa(j: Journey) {
    val session = SignInSession(j.config, USER, PASSWORD)
    check(session.status() is SignInStatus.NotStarted) { "status ${session.status()}" }
    var step = drive(session, session.start())
    check(step is NextStep.Challenge && step.challenge is AuthChallenge.SoftwareTokenMfa) { "step $step" }

    // A wrong code is a typed Service error that leaves the challenge open.
    val reply = send(session.answer(ChallengeAnswer.Code(Secret("000000"))))
    try {
        session.handleResponse(reply.status.toUShort(), reply.headers, reply.body, now())
        throw Failure("a wrong TOTP code was accepted")
    } catch (e: CognitoException.Service) {
        check(e.code == "CodeMismatchException") { "code ${e.code}" }
    }
    check(session.status() is SignInStatus.AwaitingAnswer) { "status ${session.status()}" }

    val code = totpCode(TOTP_SECRET, now())
    check(code.length == 6 && code.all(Char::isDigit)) { "totp code shape" }
    step = drive(session, session.answer(ChallengeAnswer.Code(Secret(code))))
    check(step is NextStep.Done) { "step $step" }
    val tokens = (step as NextStep.Done).tokens
    jwtCheck(tokens.idToken, "id token")
    jwtCheck(tokens.accessToken, "access token")
    check(tokens.refreshToken?.isEmpty() == false) { "no refresh token" }
    check(tokens.tokenType == "Bearer") { "token type ${tokens.tokenType}" }
    check(tokens.newDevice != null) { "the pool tracks devices: a new device is expected" }
    check(session.status() is SignInStatus.Done) { "status ${session.status()}" }
    j.tokens = tokens
}

fun confirmAndRememberDevice(j: Journey) {
    val tokens = j.tokens ?: throw Failure("no tokens from the sign-in")
    val confirmation = DeviceConfirmation(j.config, tokens)
    var reply = send(confirmation.start("kotlin-jvm"))
    val confirmed = confirmation.handleResponse(reply.status.toUShort(), reply.headers, reply.body)
    val device = confirmed.credentials
    check(device.deviceKey == tokens.newDevice?.deviceKey) { "device key ${device.deviceKey}" }
    check(!device.devicePassword.isEmpty()) { "empty device password" }
    // user_opt_in: the user is asked; this one says yes.
    check(confirmed.userConfirmationNecessary) { "user_opt_in pools ask the user" }
    reply = send(confirmation.remember(true))
    confirmation.handleStatusResponse(reply.status.toUShort(), reply.headers, reply.body)
    // Out of turn now: a typed Misuse error.
    try {
        confirmation.remember(false)
        throw Failure("remember after the status was sent")
    } catch (e: CognitoException.Misuse) {
    }
    assertNeverPrinted(listOf(device.devicePassword.reveal()), device, confirmed, device.devicePassword)
    j.device = device
}

fun refreshWithALostReplyThenRetry(j: Journey) {
    val tokens = j.tokens ?: throw Failure("no tokens from the sign-in")
    // The first refresh reaches the pool (which rotates the refresh token) but its reply is
    // lost on the way back: the app only has the old refresh token.
    val lost = Refresh(j.config, tokens, RefreshFlow.GET_TOKENS_FROM_REFRESH_TOKEN)
    send(lost.request())
    // A second request from the same Refresh is a Misuse; the app retries with a new one, and
    // the rotated-out token still works within the pool's grace period.
    try {
        lost.request()
        throw Failure("a Refresh gave a second request")
    } catch (e: CognitoException.Misuse) {
    }
    val retry = Refresh(j.config, tokens, RefreshFlow.GET_TOKENS_FROM_REFRESH_TOKEN)
    val reply = send(retry.request())
    val refreshed = retry.handleResponse(reply.status.toUShort(), reply.headers, reply.body, now())
    jwtCheck(refreshed.accessToken, "refreshed access token")
    check(refreshed.accessToken != tokens.accessToken) { "the same access token" }
    val rotated = refreshed.refreshToken ?: throw Failure("no refresh token after refresh")
    check(rotated != tokens.refreshToken) { "rotation is on: a new refresh token is expected" }
    check(refreshed.expiresAt >= now()) { "expires_at in the past" }

    // The rotated token refreshes again.
    val again = Refresh(j.config, refreshed, RefreshFlow.GET_TOKENS_FROM_REFRESH_TOKEN)
    val next = send(again.request())
    val third = again.handleResponse(next.status.toUShort(), next.headers, next.body, now())
    jwtCheck(third.idToken, "id token of the second refresh")
    j.tokens = third
}

fun wrongPasswordIsATypedError(j: Journey) {
    val session = SignInSession(j.config, USER, "Wrong-Horse-9")
    try {
        drive(session, session.start())
        throw Failure("a wrong password signed in")
    } catch (e: CognitoException.Service) {
        check(e.code == "NotAuthorizedException") { "code ${e.code}" }
        check(!e.retryable) { "a wrong password is not retryable" }
        check("Incorrect" in e.message) { "message ${e.message}" }
    }
    check(session.status() is SignInStatus.Failed) { "status ${session.status()}" }
    // The error is the same object type the app can catch as the base class.
    try {
        PoolConfig("no-underscore", "client", null, null)
        throw Failure("a bad pool id was accepted")
    } catch (e: CognitoException) {
        check(e is CognitoException.InvalidInput) { "kind ${e::class.simpleName}" }
    }
}

fun deviceSrpSignInSkipsMfa(j: Journey) {
    val device = j.device ?: throw Failure("no remembered device")
    val session = SignInSession.withOptions(j.config, USER, PASSWORD, AuthFlow.USER_SRP, device)
    // The remembered device answers DEVICE_SRP_AUTH by itself: no TOTP challenge.
    val step = drive(session, session.start())
    check(step is NextStep.Done) { "expected tokens without MFA, got $step" }
    val tokens = (step as NextStep.Done).tokens
    jwtCheck(tokens.accessToken, "access token")
    check(tokens.newDevice == null) { "a known device is not new" }
    j.tokens = tokens
}

fun secretsNeverPrint(j: Journey) {
    val tokens = j.tokens ?: throw Failure("no tokens")
    val values = listOfNotNull(tokens.idToken.reveal(), tokens.accessToken.reveal(), tokens.refreshToken?.reveal())
    assertNeverPrinted(values, tokens, NextStep.Done(tokens), tokens.idToken, tokens.accessToken, tokens.refreshToken)

    val request = Refresh(j.config, tokens, RefreshFlow.GET_TOKENS_FROM_REFRESH_TOKEN).request()
    val refreshToken = tokens.refreshToken?.reveal() ?: throw Failure("no refresh token")
    check(refreshToken in request.body.reveal()) { "the refresh token is not in the body" }
    assertNeverPrinted(listOf(refreshToken), request, NextStep.Send(request), request.body)

    // USER_PASSWORD_AUTH puts the password itself in the body.
    val session = SignInSession.withOptions(j.config, USER, PASSWORD, AuthFlow.USER_PASSWORD, null)
    val first = session.start()
    check(PASSWORD in first.body.reveal()) { "the password is not in the body" }
    assertNeverPrinted(listOf(PASSWORD), first, first.body)

    val answers = listOf(
        ChallengeAnswer.Code(Secret("Hunter-2-password")),
        ChallengeAnswer.Password(Secret("Hunter-2-password")),
        ChallengeAnswer.NewPassword(Secret("Hunter-2-password"), mapOf()),
        ChallengeAnswer.Custom(Secret("Hunter-2-password")),
        ChallengeAnswer.VerifyTotp(Secret("Hunter-2-password"), null),
    )
    assertNeverPrinted(listOf("Hunter-2-password"), *answers.toTypedArray())
    check(Secret("Hunter-2-password").toString() == "<redacted>") { "Secret.toString" }
}

fun main(args: Array<String>) {
    if (args.size != 2) {
        System.err.println("usage: JourneyKt <endpoint> <pool id>")
        exitProcess(2)
    }
    val (endpoint, poolId) = args
    val journey = Journey(PoolConfig(poolId, CLIENT_ID, null, endpoint))
    // In order: each step uses what the one before stored.
    val tests = listOf(
        "srp_sign_in_with_totp_mfa" to ::srpSignInWithTotpMfa,
        "confirm_and_remember_device" to ::confirmAndRememberDevice,
        "refresh_with_a_lost_reply_then_retry" to ::refreshWithALostReplyThenRetry,
        "wrong_password_is_a_typed_error" to ::wrongPasswordIsATypedError,
        "device_srp_sign_in_skips_mfa" to ::deviceSrpSignInSkipsMfa,
        "secrets_never_print" to ::secretsNeverPrint,
    ).map { (name, test) -> name to { test(journey) } } +
        // A new user's whole journey (AccountJourney.kt), on its own app client.
        accountJourneyTests(endpoint, poolId)
    var passed = 0
    var failed = 0
    for ((name, test) in tests) {
        try {
            test()
            passed++
            println("ok   $name")
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: $e")
            e.printStackTrace(System.out)
        }
    }
    println("kotlin: $passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
