//! CDA markers: definitions and hits ([`markers`]), per-speaker profiles compared between
//! groups ([`profile`]), and precision/recall against UD gold annotation ([`gold`]).

pub mod agency;
pub mod gold;
pub mod markers;
pub mod profile;
