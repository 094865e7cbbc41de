//! Generates a dataset: `cargo run --release --example generate -- national 2024 /tmp/out`.
//! With a fourth argument `verify`, reads the files back and reports the register read speed.

use shailoo_formats::{RegisterReader, files, read_setup};
use shailoo_generator::{Generator, Scale, write_dataset};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scale: Scale = args.first().map_or("small", String::as_str).parse()?;
    let seed: u64 = args.get(1).map_or(Ok(2024), |s| s.parse())?;
    let out = PathBuf::from(args.get(2).map_or("dataset", String::as_str));
    let verify = args.get(3).is_some_and(|a| a == "verify");

    let start = Instant::now();
    let generator = Generator::new(scale, seed);
    let planned = start.elapsed();
    let total = generator.person_count();
    let mut last = 0;
    let summary = write_dataset(&generator, &out, |rows| {
        if rows >= last + 1_000_000 || rows == total {
            eprintln!("  register: {rows} / {total}");
            last = rows;
        }
    })?;
    let written = start.elapsed();
    println!("planned in {planned:.2?}, written in {written:.2?}");
    println!("{}", serde_json::to_string_pretty(&summary)?);

    if verify {
        let start = Instant::now();
        let dataset = read_setup(&out)?;
        println!(
            "setup read back in {:.2?}: {} stations",
            start.elapsed(),
            dataset.setup.stations.len()
        );
        let start = Instant::now();
        let mut rows = 0u64;
        for record in RegisterReader::open(&out.join(files::REGISTER))? {
            record?;
            rows += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "register read back: {rows} rows in {secs:.2} s = {:.0} rows/s",
            rows as f64 / secs
        );
    }
    Ok(())
}
