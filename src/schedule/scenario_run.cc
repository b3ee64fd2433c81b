#include "schedule/scenario_run.h"

#include <algorithm>

namespace squall::schedule {

using metrics::builtin::kDroppedIterations;
using metrics::builtin::kHttpReqDurationCorrected;
using metrics::builtin::kIterationDuration;
using metrics::builtin::kIterations;

namespace {
// How often in-flight iterations are checked against their grace periods.
constexpr Nanos kGraceTick = 50 * kMillisecond;
// Dropped arrivals waiting for a VU, at most (8 MB): past it the oldest wait is recorded as it
// stands (a lower bound), so memory stays bounded however long the target stalls.
constexpr size_t kMaxUnserved = 1'000'000;
}  // namespace

ScenarioRun::ScenarioRun(ScenarioShared& shared, vu::Worker& worker, std::unique_ptr<vu::IterationProgram> program,
                         std::function<void()> on_finished)
    : shared_(shared),
      worker_(worker),
      program_(std::move(program)),
      on_finished_(std::move(on_finished)),
      schedule_timer_([this] { shared_.executor->open_model() ? on_arrival() : on_schedule_change(); }),
      grace_timer_([this] { on_grace_check(); }) {}

ScenarioRun::~ScenarioRun() {
  // The program first: threads of its own (JS VUs) may still read their VuStates until it is gone.
  program_.reset();
  worker_.loop().cancel(schedule_timer_);
  worker_.loop().cancel(grace_timer_);
}

ScenarioRun::Vu& ScenarioRun::add_vu(int64_t index) {
  vus_.push_back(std::make_unique<Vu>(worker_.client_context()));
  Vu& vu = *vus_.back();
  vu.index = index;
  vu.state.tags = shared_.tags;
  ++shared_.allocated_vus;
  return vu;
}

// This worker's share of `total` units dealt round-robin by segment rank.
static int64_t worker_share(int64_t total, int worker, int workers) {
  return total / workers + (worker < total % workers ? 1 : 0);
}

void ScenarioRun::start() {
  const Executor& executor = *shared_.executor;
  const int w = worker_.index(), workers = shared_.worker_count;
  if (executor.open_model()) {
    const int64_t pre = worker_share(shared_.segment.scale(executor.pre_allocated_vus()), w, workers);
    pool_limit_ = worker_share(shared_.segment.scale(executor.max_vus()), w, workers);
    for (int64_t i = 0; i < pre; ++i) idle_.push_back(&add_vu(i));
    next_arrival_ = 0;
  } else {
    for (int64_t j = 0; j < executor.max_vus(); ++j) {
      if (shared_.segment.owns(j) && shared_.segment.rank(j) % workers == w) add_vu(j);
    }
  }
  int64_t local = 0;
  for (auto& vu : vus_) vu->state.id = shared_.first_vu_id + w + workers * local++;
  if (!executor.open_model() && vus_.empty()) {
    // This worker has no share of the VUs (fewer VUs than workers).
    ended_ = true;
    return finish();
  }
  worker_.loop().arm(schedule_timer_, shared_.start());
  worker_.loop().arm(grace_timer_, shared_.start() + kGraceTick);
}

bool ScenarioRun::take_budget(Vu& vu) {
  switch (shared_.executor->budget()) {
    case Executor::Budget::kNone: return true;
    case Executor::Budget::kShared: return shared_.shared_left.fetch_sub(1) > 0;
    case Executor::Budget::kPerVu: return vu.done_iterations < shared_.executor->iterations();
  }
  return false;
}

void ScenarioRun::on_schedule_change() {
  const Nanos now = mono_now();
  const Nanos t = rel(now);
  if (now >= shared_.end()) return on_end();
  const int64_t active = shared_.executor->active_vus(t);
  for (auto& vu : vus_) {
    const bool should = vu->index < active;
    if (should && !vu->active) {
      vu->active = true;
      maybe_continue(*vu);
    } else if (!should && vu->active) {
      vu->active = false;
      vu->deactivated_at = now;
    }
  }
  const Nanos next = shared_.executor->next_change(t);
  worker_.loop().arm(schedule_timer_, next == kNever ? shared_.end() : std::min(shared_.start() + next, shared_.end()));
}

void ScenarioRun::maybe_continue(Vu& vu) {
  if (ended_ || vu.busy || !vu.active) return;
  if (!take_budget(vu)) {
    vu.active = false;
    // A closed scenario whose budget is spent is over once nobody is busy.
    if (std::none_of(vus_.begin(), vus_.end(), [](const auto& v) { return v->busy; })) {
      const bool shared_done =
          shared_.executor->budget() == Executor::Budget::kShared && shared_.shared_left.load() <= 0;
      const bool all_done = std::none_of(vus_.begin(), vus_.end(), [](const auto& v) { return v->active; });
      if (shared_done || all_done) on_end();
    }
    return;
  }
  start_iteration(vu, 0);
}

void ScenarioRun::start_iteration(Vu& vu, Nanos intended) {
  vu.busy = true;
  vu.state.intended_start = intended;
  ++shared_.active_vus;
  const Nanos began = mono_now();
  in_start_ = true;
  program_->run(vu.state, [this, &vu, began] { iteration_done(vu, began); });
  in_start_ = false;
}

void ScenarioRun::iteration_done(Vu& vu, Nanos began) {
  vu.busy = false;
  --shared_.active_vus;
  ++vu.done_iterations;
  ++vu.state.iteration;
  const Nanos now = mono_now();
  worker_.sink().add(kIterations, shared_.tags, 1);
  worker_.sink().add_time(kIterationDuration, shared_.tags, now - began);
  if (shared_.executor->open_model()) {
    serve_unserved(now, 1);
    idle_.push_back(&vu);
    if (ended_) on_grace_check();
    return;
  }
  if (ended_) return on_grace_check();
  if (in_start_) {
    // Finished inside run() (an immediate failure): continue from the loop, not recursively.
    worker_.loop().defer([this, &vu] { maybe_continue(vu); });
  } else {
    maybe_continue(vu);
  }
}

void ScenarioRun::on_arrival() {
  const Executor& executor = *shared_.executor;
  const Nanos now = mono_now();
  const int w = worker_.index(), workers = shared_.worker_count;
  while (!ended_) {
    // The next arrival that is this instance's and this worker's.
    std::optional<Nanos> at;
    while ((at = executor.arrival(next_arrival_))) {
      if (shared_.segment.owns(next_arrival_) && shared_.segment.rank(next_arrival_) % workers == w) break;
      ++next_arrival_;
    }
    if (!at) {
      worker_.loop().arm(schedule_timer_, shared_.end());
      if (now >= shared_.end()) on_end();
      return;
    }
    const Nanos due = shared_.start() + *at;
    if (due > now) {
      worker_.loop().arm(schedule_timer_, due);
      return;
    }
    ++next_arrival_;
    if (idle_.empty() && static_cast<int64_t>(vus_.size()) < pool_limit_) {
      idle_.push_back(&add_vu(static_cast<int64_t>(vus_.size())));
      vus_.back()->state.id = shared_.first_vu_id + w + workers * static_cast<int64_t>(vus_.size() - 1);
    }
    if (idle_.empty()) {
      worker_.sink().add(kDroppedIterations, shared_.tags, 1);
      queue_unserved(due);
      continue;
    }
    Vu* vu = idle_.back();
    idle_.pop_back();
    start_iteration(*vu, due);
  }
}

void ScenarioRun::on_end() {
  if (ended_) return;
  ended_ = true;
  worker_.loop().cancel(schedule_timer_);
  on_grace_check();
}

void ScenarioRun::on_grace_check() {
  if (finished_) return;
  const Nanos now = mono_now();
  const Nanos stop_at = shared_.end() + shared_.executor->config().graceful_stop;
  const Nanos ramp_grace = shared_.executor->ramp_down_grace();
  bool any_busy = false;
  for (auto& vu : vus_) {
    if (!vu->busy) continue;
    const bool ramped_down = !ended_ && !vu->active && vu->deactivated_at && now >= vu->deactivated_at + ramp_grace;
    if ((ended_ && now >= stop_at) || ramped_down) {
      program_->cancel(vu->state);
      vu->state.abort();  // interrupted: not counted as an iteration
      ++interrupted_;
      vu->busy = false;
      --shared_.active_vus;
      if (shared_.executor->open_model()) idle_.push_back(vu.get());
    } else {
      any_busy = true;
    }
  }
  if (ended_ && !any_busy) return finish();
  worker_.loop().arm(grace_timer_, now + kGraceTick);
}

void ScenarioRun::abort_now() {
  if (finished_) return;
  ended_ = true;
  worker_.loop().cancel(schedule_timer_);
  for (auto& vu : vus_) {
    if (vu->busy) {
      program_->cancel(vu->state);
      vu->state.abort();
      ++interrupted_;
      vu->busy = false;
      --shared_.active_vus;
    }
  }
  finish();
}

void ScenarioRun::queue_unserved(Nanos due) {
  if (unserved_.size() >= kMaxUnserved) serve_unserved(mono_now(), 1);
  unserved_.push_back(due);
}

void ScenarioRun::serve_unserved(Nanos now, size_t how_many) {
  for (; how_many > 0 && !unserved_.empty(); --how_many) {
    worker_.sink().add_time(kHttpReqDurationCorrected, shared_.tags, now - unserved_.front());
    unserved_.pop_front();
  }
}

void ScenarioRun::finish() {
  serve_unserved(mono_now(), unserved_.size());
  finished_ = true;
  worker_.loop().cancel(grace_timer_);
  for (auto& vu : vus_) vu->state.client.close_idle();
  on_finished_();
}

uint64_t ScenarioRun::connections_opened() const {
  uint64_t n = 0;
  for (const auto& vu : vus_) n += vu->state.client.connections_opened();
  return n + program_->connections_opened();
}

}  // namespace squall::schedule
