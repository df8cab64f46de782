//! Sans-IO client state machines for Amazon Cognito user pools.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod secret_hash;
pub mod srp;
