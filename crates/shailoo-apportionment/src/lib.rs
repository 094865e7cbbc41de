//! shailoo-apportionment
