// Materials viewer of the consoles: zoom and rotate an image with buttons (keyboard reachable).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-viewer]");
  if (!button) return;
  var img = button.closest(".viewer").querySelector("img");
  var zoom = parseFloat(img.dataset.zoom), rotate = parseInt(img.dataset.rotate, 10);
  if (button.dataset.viewer === "zoom-in") zoom = Math.min(zoom * 1.25, 5);
  if (button.dataset.viewer === "zoom-out") zoom = Math.max(zoom / 1.25, 0.25);
  if (button.dataset.viewer === "rotate") rotate = (rotate + 90) % 360;
  img.dataset.zoom = zoom; img.dataset.rotate = rotate;
  img.style.transform = "scale(" + zoom + ") rotate(" + rotate + "deg)";
});
