//! Ids and versions that cannot be swapped: a function that takes a contract's id and the
//! version its form was opened at cannot be handed them the other way round, nor a system's id.
//! On the wire and in the database they are plain integers.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A supplier firm.
    FirmId
);
id_type!(
    /// A system (K9A1).
    SystemId
);
id_type!(
    /// A framework agreement.
    AgreementId
);
id_type!(
    /// A contract.
    ContractId
);
id_type!(
    /// An exchange rate.
    RateId
);
id_type!(
    /// The version of a record a form or confirmation page was opened at: a write names it, and
    /// changes nothing if someone saved the record since.
    Version
);
