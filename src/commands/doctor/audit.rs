//! `doctor --all`: every mapping of each account and region, diagnosed concurrently.

use super::*;

/// `doctor --all`: every SQS mapping of every account and region asked for, `concurrency`
/// triggers at once over all of them, with one progress bar; each distinct fact is read once
/// per account (the cache of its clients).
pub(super) async fn audit(ctx: &Ctx, s: &Settings) -> Result<DoctorReport, Error> {
    // One account in one region, as before accounts and regions: a listing that fails is the
    // run's error (exit 3), never a row that would let a CI gate pass without evidence.
    let single = s.scopes == ScopeSettings::default();
    let stream = ctx.output.format == crate::cli::OutputFormat::Jsonl;
    if s.metrics.is_some() && (!single || stream) {
        return Err(Error::usage(
            "--metrics: with --all it reads one account in one region, as one document (not with --accounts, \
             --regions, several --region or -o jsonl)",
        ));
    }
    let listing = async {
        let scopes = scopes::resolve(&ctx.clients, &s.scopes).await?;
        let lists = scopes.into_iter().map(|scope| async move {
            let clients = match scope.reach {
                Ok(clients) => clients,
                Err(why) => return (scope.account, scope.region, Err(Ok((why, None)))),
            };
            // The account's concurrency is one fact for every trigger of the region: read once,
            // beside the listing.
            let (listed, concurrency) =
                tokio::join!(gather::mapping::list(&clients, None, None), account_concurrency(&clients));
            let concurrency = match concurrency {
                Ok(read) => read,
                Err(err) if single => return (scope.account, scope.region, Err(Err(err))),
                Err(_) => None,
            };
            match listed {
                Ok(mappings) => (scope.account, scope.region, Ok((clients, mappings, concurrency))),
                Err(err) if single => (scope.account, scope.region, Err(Err(err))),
                Err(err) => {
                    let fact = format!(
                        "the mappings of account {} in {}",
                        scope.account.as_deref().unwrap_or("?"),
                        scope.region.as_deref().unwrap_or("?")
                    );
                    (scope.account, scope.region, Err(Ok((scopes::unreadable(fact, err.clone()), Some(err)))))
                }
            }
        });
        Ok::<_, Error>(futures::future::join_all(lists).await)
    };
    let listed = tokio::select! {
        listed = listing => listed?,
        _ = tokio::signal::ctrl_c() => return Err(Error::Interrupted { done: vec![], in_flight: vec![] }),
    };
    let mut groups = Vec::new();
    let mut jobs = Vec::new();
    let mut skipped_rows = Vec::new();
    let mut listing_error = None;
    for (account, region, reach) in listed {
        match reach {
            Ok((clients, mappings, concurrency)) => {
                for pair in pairs_of(mappings.clone()) {
                    let queue_mappings =
                        mappings.iter().filter(|m| m.queue_arn == pair[0].queue_arn).cloned().collect();
                    jobs.push(Job {
                        clients: clients.clone(),
                        pair,
                        account: account.clone(),
                        region: region.clone(),
                        queue_mappings: Some(queue_mappings),
                        account_concurrency: concurrency.clone(),
                    });
                }
                groups.push(Group::counted_later(account, region, None));
            }
            Err(Err(err)) => return Err(err.into()),
            Err(Ok((why, err))) => {
                listing_error = listing_error.or(err);
                skipped_rows.push(Diagnosis::scope_skipped(account.clone(), region.clone(), &why));
                let reason = format!("could not read {}: {}", why.fact, why.detail);
                groups.push(Group::counted_later(account, region, Some(reason)));
            }
        }
    }
    // Not one region of one account could be listed: nothing was audited, which is an error.
    if let Some(err) = listing_error
        && groups.iter().all(|g| g.skipped.is_some())
    {
        return Err(err.into());
    }
    if stream {
        // What cannot be audited is known first: said first.
        for row in &skipped_rows {
            print_line(row)?;
        }
    }
    let (mut diagnoses, interrupted) = diagnose_jobs(ctx, jobs, s.concurrency, None, stream, !single).await?;
    if let Some(m) = &s.metrics {
        super::metrics::attach(ctx, &mut diagnoses, m).await?;
    }
    diagnoses.extend(skipped_rows);
    // Grouped by account and region, in the order they were asked for.
    let rank = |d: &Diagnosis| groups.iter().position(|g| g.account == d.account && g.region == d.region);
    diagnoses.sort_by_key(|d| rank(d));
    for g in &mut groups {
        let mine: Vec<Diagnosis> = diagnoses
            .iter()
            .filter(|d| d.account == g.account && d.region == g.region && !d.is_skipped_scope())
            .cloned()
            .collect();
        let counts = summarize(&mine);
        (g.triggers, g.broken, g.with_warnings, g.healthy) =
            (counts.triggers, counts.broken, counts.with_warnings, counts.healthy);
    }
    if single {
        // One account, one region: the triggers need no label.
        for d in &mut diagnoses {
            (d.account, d.region) = (None, None);
        }
    }
    Ok(DoctorReport {
        summary: summarize(&diagnoses),
        triggers: Triggers { list: diagnoses, streamed: stream },
        groups,
        requests: Some(ctx.clients.stats.counts()),
        streamed: stream,
        interrupted,
        table: true,
    })
}

/// One trigger to diagnose, with the clients of its account and region.
pub(super) struct Job {
    pub(super) clients: crate::aws::Clients,
    pub(super) pair: Vec<MappingFacts>,
    pub(super) account: Option<String>,
    pub(super) region: Option<String>,
    /// Every mapping of the pair's queue, when the region's were all listed (`--all`): the
    /// other consumers of the queue are among them.
    pub(super) queue_mappings: Option<Vec<MappingFacts>>,
    /// The account's Lambda concurrency in this region, read once for all its triggers.
    pub(super) account_concurrency: Option<Fact<AccountConcurrency>>,
}

/// The mappings by queue/function pair, in the order listed.
pub(super) fn pairs_of(mappings: Vec<MappingFacts>) -> Vec<Vec<MappingFacts>> {
    let mut pairs: Vec<Vec<MappingFacts>> = Vec::new();
    for m in mappings {
        match pairs.iter_mut().find(|p| p[0].queue_arn == m.queue_arn && p[0].function_arn == m.function_arn) {
            Some(pair) => pair.push(m),
            None => pairs.push(vec![m]),
        }
    }
    pairs
}

/// One trigger as one JSON line on stdout (`--output jsonl`).
pub(super) fn print_line(d: &Diagnosis) -> Result<(), Error> {
    let schema = crate::report::schema_id("doctor-trigger");
    let line = serde_json::json!({ "schema": schema, "trigger": d });
    let mut out = io::stdout().lock();
    writeln!(out, "{line}").and_then(|_| out.flush()).map_err(|e| Error::io("a trigger to stdout", e))
}

/// Diagnoses each job, `concurrency` at a time, with a progress bar (and its ETA) on a
/// terminal. Results keep the input order. `read_function`, when already read, is not read
/// again for the pairs of exactly that function. With `stream`, each diagnosis is printed as a
/// JSON line as soon as it is made. Ctrl-C stops the run: what was diagnosed is returned, with
/// `true`.
pub(super) async fn diagnose_jobs(
    ctx: &Ctx,
    jobs: Vec<Job>,
    concurrency: usize,
    read_function: Option<&FunctionFacts>,
    stream: bool,
    tolerate: bool,
) -> Result<(Vec<Diagnosis>, bool), Error> {
    let bar = ctx.output.bar(jobs.len() as u64, "diagnosing triggers");
    let mut running = futures::stream::iter(jobs.into_iter().enumerate())
        .map(|(i, job)| {
            let bar = &bar;
            async move {
                let Job { clients, pair, account, region, queue_mappings, account_concurrency } = job;
                let queue = QueueRef::Arn(pair[0].queue_arn.clone());
                let function = FunctionRef::Arn(pair[0].function_arn.clone());
                let read = read_function.filter(|f| f.arn == pair[0].function_arn).cloned();
                let views: Vec<MappingView> = pair.iter().map(mapping_view).collect();
                let known = Known {
                    mappings: Some(pair),
                    function: read,
                    queue_mappings,
                    account_concurrency: Some(account_concurrency),
                    ..Known::default()
                };
                let started = Instant::now();
                let gathered =
                    gather::trigger::gather_with_mapping_tags(&clients, Some(&queue), Some(&function), known);
                let facts = match gathered.await {
                    Ok(facts) => facts,
                    // Across accounts and regions, a trigger that cannot be read (throttled past
                    // retries, unreachable) is a row of its own, not the end of the audit.
                    Err(err) if tolerate => {
                        bar.inc(1);
                        let why = scopes::unreadable(format!("the trigger {queue} → {function}"), err);
                        let diagnosis = Diagnosis {
                            mappings: views,
                            account,
                            region,
                            ..Diagnosis::scope_skipped(None, None, &why)
                        };
                        return Ok((i, diagnosis));
                    }
                    Err(err) => return Err(err.into()),
                };
                bar.inc(1);
                let diagnosis = Diagnosis { elapsed: started.elapsed(), account, region, ..diagnose(&facts, vec![]) };
                Ok::<_, Error>((i, diagnosis))
            }
        })
        .buffer_unordered(concurrency);
    let mut results: Vec<(usize, Diagnosis)> = Vec::new();
    let interrupt = tokio::signal::ctrl_c();
    tokio::pin!(interrupt);
    let mut interrupted = false;
    loop {
        tokio::select! {
            next = running.next() => match next {
                Some(result) => {
                    let (i, diagnosis) = result?;
                    if stream {
                        print_line(&diagnosis)?;
                    }
                    results.push((i, diagnosis));
                }
                None => break,
            },
            _ = &mut interrupt => {
                interrupted = true;
                break;
            }
        }
    }
    bar.finish();
    results.sort_by_key(|(i, _)| *i);
    Ok((results.into_iter().map(|(_, d)| d).collect(), interrupted))
}
