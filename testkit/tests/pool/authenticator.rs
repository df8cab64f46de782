//! A software WebAuthn authenticator: an ES256 key (p256, not the pool's ring), attestation
//! objects in `none` and `packed` self-attestation format, and assertions, with knobs to
//! get each part wrong.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ciborium::Value as Cbor;
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const FLAG_UP: u8 = 0x01;
pub const FLAG_UV: u8 = 0x04;
const FLAG_AT: u8 = 0x40;

/// Attestation statement formats the authenticator can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    None,
    /// `packed` self-attestation: signed with the credential key itself.
    Packed,
}

pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn unb64(text: &str) -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(text).unwrap()
}

/// The credential's key: ES256 (p256) or RS256 (ring, the testkit's published RSA test key).
enum Key {
    Es256(SigningKey),
    Rs256(RsaKeyPair),
}

/// One credential on a software authenticator.
pub struct Authenticator {
    key: Key,
    pub credential_id: Vec<u8>,
    /// Bumped before each assertion when `keeps_count`.
    pub sign_count: u32,
    pub keeps_count: bool,
    /// Whose SHA-256 goes into the authenticator data (a phishing site's RP id, say).
    pub rp_id: String,
    /// clientDataJSON's `origin`.
    pub origin: String,
    /// UP / UV.
    pub flags: u8,
}

impl Authenticator {
    /// A credential whose key and id come from `seed`.
    pub fn new(seed: u8, rp_id: &str, origin: &str) -> Self {
        let mut secret = [seed; 32];
        secret[0] = 1; // below the group order whatever the seed
        Self {
            key: Key::Es256(SigningKey::from_slice(&secret).unwrap()),
            credential_id: Sha256::digest([seed]).to_vec(),
            sign_count: 0,
            keeps_count: true,
            rp_id: rp_id.to_owned(),
            origin: origin.to_owned(),
            flags: FLAG_UP | FLAG_UV,
        }
    }

    /// An RS256 credential (COSE alg -257).
    pub fn rs256(rp_id: &str, origin: &str) -> Self {
        let pem = include_str!("../../keys/test-signing-key.pem");
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap();
        let mut auth = Self::new(250, rp_id, origin);
        auth.key = Key::Rs256(RsaKeyPair::from_pkcs8(&der).unwrap());
        auth
    }

    /// Another key claiming this credential's id: its signatures are well-formed but wrong.
    pub fn impostor(&self, seed: u8) -> Self {
        let mut other = Self::new(seed, &self.rp_id, &self.origin);
        other.credential_id = self.credential_id.clone();
        other.sign_count = self.sign_count;
        other
    }

    fn alg(&self) -> i64 {
        match self.key {
            Key::Es256(_) => -7,
            Key::Rs256(_) => -257,
        }
    }

    fn cose_key(&self) -> Cbor {
        let int = |i: i64| Cbor::Integer(i.into());
        let key = match &self.key {
            Key::Es256(key) => key,
            Key::Rs256(pair) => {
                let public = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public());
                return Cbor::Map(vec![
                    (int(1), int(3)),    // kty: RSA
                    (int(3), int(-257)), // alg: RS256
                    (int(-1), Cbor::Bytes(public.n)),
                    (int(-2), Cbor::Bytes(public.e)),
                ]);
            }
        };
        let point = key.verifying_key().to_encoded_point(false);
        Cbor::Map(vec![
            (int(1), int(2)),  // kty: EC2
            (int(3), int(-7)), // alg: ES256
            (int(-1), int(1)), // crv: P-256
            (int(-2), Cbor::Bytes(point.x().unwrap().to_vec())),
            (int(-3), Cbor::Bytes(point.y().unwrap().to_vec())),
        ])
    }

    fn auth_data(&self, attested: bool) -> Vec<u8> {
        let mut data = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        data.push(self.flags | if attested { FLAG_AT } else { 0 });
        data.extend_from_slice(&self.sign_count.to_be_bytes());
        if attested {
            data.extend_from_slice(&[0u8; 16]); // AAGUID: none
            data.extend_from_slice(
                &u16::try_from(self.credential_id.len())
                    .unwrap()
                    .to_be_bytes(),
            );
            data.extend_from_slice(&self.credential_id);
            ciborium::into_writer(&self.cose_key(), &mut data).unwrap();
        }
        data
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        json!({"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": false})
            .to_string()
            .into_bytes()
    }

    /// DER ECDSA or PKCS#1 v1.5 over `authData ‖ SHA-256(clientDataJSON)`.
    fn sign(&self, auth_data: &[u8], client_data: &[u8]) -> Vec<u8> {
        let mut message = auth_data.to_vec();
        message.extend_from_slice(&Sha256::digest(client_data));
        match &self.key {
            Key::Es256(key) => {
                let signature: Signature = key.sign(&message);
                signature.to_der().as_bytes().to_vec()
            }
            Key::Rs256(pair) => {
                let mut signature = vec![0; pair.public().modulus_len()];
                pair.sign(
                    &RSA_PKCS1_SHA256,
                    &SystemRandom::new(),
                    &message,
                    &mut signature,
                )
                .unwrap();
                signature
            }
        }
    }

    /// RegistrationResponseJSON for StartWebAuthnRegistration's options.
    pub fn register(&self, options: &Value, format: Format) -> Value {
        self.register_for(options["challenge"].as_str().unwrap(), format)
    }

    /// RegistrationResponseJSON signing `challenge` (base64url).
    pub fn register_for(&self, challenge: &str, format: Format) -> Value {
        self.registration(challenge, format, self)
    }

    /// A `packed` registration of this credential whose statement `signer` signed.
    pub fn register_attested_by(&self, options: &Value, signer: &Authenticator) -> Value {
        let challenge = options["challenge"].as_str().unwrap();
        self.registration(challenge, Format::Packed, signer)
    }

    fn registration(&self, challenge: &str, format: Format, signer: &Authenticator) -> Value {
        let client_data = self.client_data("webauthn.create", challenge);
        let auth_data = self.auth_data(true);
        let statement = match format {
            Format::None => Cbor::Map(vec![]),
            Format::Packed => Cbor::Map(vec![
                (Cbor::Text("alg".into()), Cbor::Integer(signer.alg().into())),
                (
                    Cbor::Text("sig".into()),
                    Cbor::Bytes(signer.sign(&auth_data, &client_data)),
                ),
            ]),
        };
        let fmt = match format {
            Format::None => "none",
            Format::Packed => "packed",
        };
        let object = Cbor::Map(vec![
            (Cbor::Text("fmt".into()), Cbor::Text(fmt.into())),
            (Cbor::Text("attStmt".into()), statement),
            (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
        ]);
        let mut attestation = Vec::new();
        ciborium::into_writer(&object, &mut attestation).unwrap();
        self.envelope(json!({
            "clientDataJSON": b64(&client_data),
            "attestationObject": b64(&attestation),
            "transports": ["internal", "hybrid"],
        }))
    }

    /// The PublicKeyCredential JSON around an authenticator `response`.
    fn envelope(&self, response: Value) -> Value {
        json!({
            "id": b64(&self.credential_id),
            "rawId": b64(&self.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": response,
        })
    }

    /// AuthenticationResponseJSON (as the string CREDENTIAL carries) for a WEB_AUTHN
    /// challenge's CREDENTIAL_REQUEST_OPTIONS.
    pub fn assert(&mut self, request_options: &str) -> String {
        let options: Value = serde_json::from_str(request_options).unwrap();
        self.assert_for(options["challenge"].as_str().unwrap(), None)
    }

    /// An assertion over `challenge` (base64url), with `userHandle` when given.
    pub fn assert_for(&mut self, challenge: &str, user_handle: Option<&str>) -> String {
        if self.keeps_count {
            self.sign_count += 1;
        }
        let client_data = self.client_data("webauthn.get", challenge);
        let auth_data = self.auth_data(false);
        let signature = self.sign(&auth_data, &client_data);
        self.envelope(json!({
            "clientDataJSON": b64(&client_data),
            "authenticatorData": b64(&auth_data),
            "signature": b64(&signature),
            "userHandle": user_handle,
        }))
        .to_string()
    }
}

/// Rewrites a credential's clientDataJSON (after it was signed).
pub fn tamper_client_data(credential: &str, change: impl FnOnce(&mut Value)) -> String {
    let mut credential: Value = serde_json::from_str(credential).unwrap();
    let encoded = credential["response"]["clientDataJSON"].as_str().unwrap();
    let mut data: Value = serde_json::from_slice(&unb64(encoded)).unwrap();
    change(&mut data);
    credential["response"]["clientDataJSON"] = json!(b64(data.to_string().as_bytes()));
    credential.to_string()
}
