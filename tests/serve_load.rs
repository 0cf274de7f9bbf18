//! `formwerk serve` under load and under a crash, on loopback only and bounded in requests and
//! time: 50 concurrent journeys of 15 requests each (throughput, p50/p99 latency, every
//! acknowledged submission stored exactly once), and a server killed with SIGKILL while
//! journeys submit, then restarted: nothing acknowledged is missing, nothing is stored twice
//! or half. Run with `--nocapture` to see the numbers.
#![cfg(feature = "serve")]

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::http::{csrf, Client, Server};

fn forms() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/serve/forms")
}

/// A GET that must be 200, with its CSRF token.
fn token(client: &mut Client, path: &str, latencies: &mut Vec<Duration>) -> Result<String, String> {
    let response = timed(latencies, || client.get(path));
    if response.status != 200 || !response.text().contains("name=\"_csrf\"") {
        return Err(format!("GET {path}: {}", response.status));
    }
    Ok(csrf(&response.text()))
}

fn timed<T>(latencies: &mut Vec<Duration>, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    latencies.push(start.elapsed());
    out
}

fn expect(response: &common::http::Response, location: &str) -> Result<(), String> {
    match response.header("location") {
        Some(l) if response.status == 303 && l == location => Ok(()),
        other => Err(format!("expected 303 to {location}, got {} {other:?}", response.status)),
    }
}

/// One whole journey with an error round trip and a repeat item; `Ok(true)` once the submit
/// was acknowledged (303 to the confirmation). A failed connection is an `Err`.
fn journey(client: &mut Client, name: &str, latencies: &mut Vec<Duration>, acked: &mut bool) -> Result<(), String> {
    let run = |client: &mut Client, latencies: &mut Vec<Duration>, acked: &mut bool| -> Result<(), String> {
        let start = timed(latencies, || client.get("/f/antrag"));
        expect(&start, "/f/antrag/schritt/1")?;
        let t = token(client, "/f/antrag/schritt/1", latencies)?;
        expect(
            &timed(latencies, || client.post("/f/antrag/schritt/1", &[("_csrf", &t), ("name", name)])),
            "/f/antrag/schritt/1",
        )?;
        let t = token(client, "/f/antrag/schritt/1", latencies)?;
        let step1 = [
            ("_csrf", t.as_str()),
            ("name", name),
            ("geburtsdatum[tag]", "1"),
            ("geburtsdatum[monat]", "2"),
            ("geburtsdatum[jahr]", "1980"),
            ("hund", "ja"),
        ];
        expect(&timed(latencies, || client.post("/f/antrag/schritt/1", &step1)), "/f/antrag/schritt/2")?;
        let t = token(client, "/f/antrag/schritt/2", latencies)?;
        expect(
            &timed(latencies, || {
                client.post("/f/antrag/schritt/2", &[("_csrf", &t), ("aktion", "hinzufuegen:kinder")])
            }),
            "/f/antrag/schritt/2",
        )?;
        let t = token(client, "/f/antrag/schritt/2", latencies)?;
        expect(
            &timed(latencies, || client.post("/f/antrag/schritt/2", &[("_csrf", &t), ("kinder[0][vorname]", "Kim")])),
            "/f/antrag/schritt/3",
        )?;
        let t = token(client, "/f/antrag/schritt/3", latencies)?;
        expect(
            &timed(latencies, || client.post("/f/antrag/schritt/3", &[("_csrf", &t), ("hundename", "Rex")])),
            "/f/antrag/pruefen",
        )?;
        let t = token(client, "/f/antrag/pruefen", latencies)?;
        let submitted = timed(latencies, || client.post("/f/antrag/pruefen", &[("_csrf", &t)]));
        expect(&submitted, "/f/antrag/bestaetigung")?;
        *acked = true;
        Ok(())
    };
    run(client, latencies, acked)
}

/// The reference the confirmation page of a session shows.
fn reference_of(client: &mut Client) -> Option<String> {
    let text = client.get("/f/antrag/bestaetigung").text();
    let at = text.find("FW-")?;
    Some(text[at..at + 17].to_string())
}

fn stored(data: &Path) -> Vec<serde_json::Value> {
    let db = formwerk::serve::Db::open_existing(&data.join("intake.sqlite")).unwrap();
    db.submissions(None).unwrap().into_iter().map(|r| serde_json::to_value(r).unwrap()).collect()
}

#[test]
fn fifty_concurrent_journeys_are_each_stored_once() {
    const JOURNEYS: usize = 50;
    let data = tempfile::tempdir().unwrap();
    let server = Server::start(&forms(), data.path(), &[]);
    let started = Instant::now();
    let results: Vec<(String, Vec<Duration>, Option<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..JOURNEYS)
            .map(|n| {
                let mut client = server.client();
                scope.spawn(move || {
                    let name = format!("Last {n}");
                    let mut latencies = Vec::new();
                    let mut acked = false;
                    journey(&mut client, &name, &mut latencies, &mut acked).unwrap_or_else(|e| panic!("{name}: {e}"));
                    let reference = reference_of(&mut client);
                    (name, latencies, reference)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = results.iter().flat_map(|(_, l, _)| l.iter().copied()).collect();
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    eprintln!(
        "load: {JOURNEYS} journeys, {} requests in {:.2} s: {:.0} requests/s, p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        p(0.5).as_secs_f64() * 1000.0,
        p(0.99).as_secs_f64() * 1000.0
    );
    assert!(elapsed < Duration::from_secs(60), "the load test is bounded: {elapsed:?}");
    let rows = stored(data.path());
    assert_eq!(rows.len(), JOURNEYS);
    for (name, _, reference) in &results {
        let reference = reference.as_ref().unwrap_or_else(|| panic!("{name} has no reference"));
        let matching: Vec<_> = rows.iter().filter(|r| r["reference"] == reference.as_str()).collect();
        assert_eq!(matching.len(), 1, "{reference} stored once");
        assert_eq!(matching[0]["data"]["name"], name.as_str());
    }
}

#[test]
fn a_killed_server_loses_nothing_acknowledged_and_stores_nothing_twice() {
    let data = tempfile::tempdir().unwrap();
    let mut server = Server::start(&forms(), data.path(), &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let acks = Arc::new(AtomicUsize::new(0));
    // (name, client cookie, acknowledged) of every journey that reached its submit.
    let journeys: Arc<Mutex<Vec<(String, Client, bool)>>> = Arc::default();
    let workers: Vec<_> = (0..8)
        .map(|worker| {
            let (stop, acks, journeys) = (stop.clone(), acks.clone(), journeys.clone());
            let base = server.client();
            std::thread::spawn(move || {
                for n in 0..200 {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let mut client = Client { cookie: None, ..base.clone() };
                    let name = format!("Absturz {worker}-{n}");
                    let mut acked = false;
                    let result = journey(&mut client, &name, &mut Vec::new(), &mut acked);
                    if acked {
                        acks.fetch_add(1, Ordering::SeqCst);
                    }
                    journeys.lock().unwrap().push((name, client, acked));
                    if result.is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(40);
    while acks.load(Ordering::SeqCst) < 30 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    stop.store(true, Ordering::SeqCst);
    for worker in workers {
        worker.join().unwrap();
    }
    let acknowledged = acks.load(Ordering::SeqCst);
    assert!(acknowledged >= 30, "the journeys ran before the kill ({acknowledged} acknowledged)");

    let server = Server::start(&forms(), data.path(), &[]);
    let rows = stored(data.path());
    let journeys = journeys.lock().unwrap();
    // Every acknowledged submission is there, exactly once, with its data.
    for (name, client, acked) in journeys.iter() {
        let count = rows.iter().filter(|r| r["data"]["name"] == name.as_str()).count();
        assert!(count <= 1, "{name} stored {count} times");
        if *acked {
            assert_eq!(count, 1, "{name} was acknowledged but is missing");
            let mut client = Client { addr: server.addr.clone(), host: server.addr.clone(), ..client.clone() };
            let reference = reference_of(&mut client).expect("the confirmation survives the restart");
            assert!(rows.iter().any(|r| r["reference"] == reference.as_str() && r["data"]["name"] == name.as_str()));
        }
    }
    // Nothing half: every row is a whole, valid submission.
    let form = formwerk::driver::check_paths(&[forms()], None).unwrap().checked.forms.remove(0).1;
    let options = formwerk::validate::Options { today: formwerk::value::Date::parse("2026-06-15").unwrap() };
    for row in &rows {
        assert!(formwerk::validate::validate(&form, &row["data"], &options).is_valid(), "{row}");
        assert_eq!(row["report"], serde_json::json!({"violations": []}));
    }
    eprintln!("crash: {acknowledged} acknowledged before the kill, {} stored, all found after the restart", rows.len());
}
