//! shailoo-store
