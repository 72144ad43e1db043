//! Writes a profile's stats timeseries as CSV, one column per numeric metric, ready to plot.
//!
//! ```sh
//! cargo run -p postproxy-client --example stats_csv                        # prof_li_001, placement 108520199
//! cargo run -p postproxy-client --example stats_csv -- prof654jkl          # a network without placements
//! cargo run -p postproxy-client --example stats_csv -- prof_fb_001 200000000000001 > fb.csv
//! ```

mod common;

use postproxy_client::{StatsExt, StatsSeriesExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let profile_id = args.next().unwrap_or_else(|| "prof_li_001".into());
    let placement_id = match args.next() {
        Some(id) => Some(id),
        None if profile_id == "prof_li_001" => Some("108520199".into()),
        None => None,
    };

    let setup = common::setup().await?;
    let mut request = setup.client.profiles().stats(&profile_id);
    if let Some(placement_id) = placement_id {
        request = request.placement_id(placement_id);
    }
    let stats = request.send().await?;

    // A key appears only in the cycles the network reported it, so a column can have gaps.
    let metrics: Vec<&str> = stats.metric_keys().into_iter().collect();
    println!("recorded_at,{}", metrics.join(","));
    for record in &stats.records {
        let row: Vec<String> = metrics
            .iter()
            .map(|m| {
                record
                    .stats
                    .f64(m)
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        println!("{},{}", record.recorded_at, row.join(","));
    }
    eprintln!(
        "{} record(s) of {} ({}), {} metric(s)",
        stats.records.len(),
        stats.profile_id,
        stats.platform,
        metrics.len()
    );
    Ok(())
}
