// The first month index from the slider's start whose next month has other holders (so a step changes markers).
() => {
  const data = JSON.parse(document.getElementById("bk-data").textContent);
  const start = Number(document.getElementById("bk-month").value);
  for (let i = start; i < data.months.length - 1; i++) {
    if (JSON.stringify(data.holders[i]) !== JSON.stringify(data.holders[i + 1])) return i;
  }
  for (let i = start - 1; i >= 0; i--) {
    if (JSON.stringify(data.holders[i]) !== JSON.stringify(data.holders[i + 1])) return i;
  }
  return Math.max(0, start - 1);
}
