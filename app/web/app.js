// The web app's entry: sign-in, then the page of the signed-in role.
const app = document.getElementById('app');
app.textContent = 'reemploi';
