//! shailoo-app
