//! shailoo-web
