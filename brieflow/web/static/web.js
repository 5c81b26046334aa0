// Citations on the brief page: hovering one lights its paragraph (render.js) and brings it into
// view in the source column; clicking keeps it lit until another citation is clicked.
(function () {
  function target(e) {
    const a = e.target.closest && e.target.closest('a.cite');
    return a ? [a, document.getElementById(a.dataset.target)] : [null, null];
  }
  document.addEventListener('mouseover', function (e) {
    const [a, p] = target(e);
    if (a && p) p.scrollIntoView({block: 'nearest'});
  });
  document.addEventListener('click', function (e) {
    const [a, p] = target(e);
    if (!a || !p) return;
    e.preventDefault();
    document.querySelectorAll('.source li.picked').forEach(function (x) { x.classList.remove('picked'); });
    p.classList.add('picked');
    p.scrollIntoView({block: 'center'});
    history.replaceState(null, '', '#' + p.id);
  });
})();
