//! SignUp → code in the outbox → ConfirmSignUp → sign-in.

use cognito_auth::SignIn;
use cognito_auth_testkit::UserStatus;
use serde_json::json;

use crate::support::*;

#[test]
fn sign_up_confirm_then_sign_in() {
    let mut h = Harness::new(base_config());
    let body = h.ok(
        "SignUp",
        json!({"ClientId": PUBLIC_CLIENT, "Username": "bob", "Password": PASSWORD,
               "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}),
    );
    assert_eq!(body["UserConfirmed"], false);
    assert_eq!(body["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert_eq!(body["CodeDeliveryDetails"]["Destination"], "b***@e***");
    assert_eq!(h.pool.user_status("bob"), Some(UserStatus::Unconfirmed));

    let mut early = SignIn::new(client(PUBLIC_CLIENT), "bob", PASSWORD);
    assert!(matches!(
        h.sign_in(&mut early),
        Ok(cognito_auth::Step::ConfirmSignUp)
    ));

    let wrong = h.call(
        "ConfirmSignUp",
        json!({"ClientId": PUBLIC_CLIENT, "Username": "bob", "ConfirmationCode": "000000x"}),
    );
    assert_eq!(wrong.error_type().as_deref(), Some("CodeMismatchException"));
    let code = h.pool.take_code("bob@example.com").unwrap();
    h.ok(
        "ConfirmSignUp",
        json!({"ClientId": PUBLIC_CLIENT, "Username": "bob", "ConfirmationCode": code}),
    );
    assert_eq!(h.pool.user_status("bob"), Some(UserStatus::Confirmed));

    let mut sign_in = SignIn::new(client(PUBLIC_CLIENT), "bob", PASSWORD);
    let tokens = done(h.sign_in(&mut sign_in).unwrap());
    assert_eq!(
        tokens.id_claims().unwrap().email.as_deref(),
        Some("bob@example.com")
    );
}
