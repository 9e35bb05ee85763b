// The job page's progress bar follows the job: poll its JSON every second, update the bar and
// the count, and reload the page once the job is finished (the page then shows the result).
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(() => {
  const box = document.getElementById("job-progress");
  if (!box || box.dataset.finished === "true") return;
  const bar = box.querySelector("progress");
  const count = box.querySelector(".job-count");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.progressUrl, {headers: {Accept: "application/json"}});
      if (response.ok) {
        const job = await response.json();
        bar.max = Math.max(job.total, 1);
        bar.value = job.done;
        count.textContent = `${job.done} / ${job.total}`;
        if (job.finished) { window.location.reload(); return; }
      }
    } catch (error) { /* the next poll tries again */ }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
})();
