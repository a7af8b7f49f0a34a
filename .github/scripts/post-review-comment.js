// Create or update the one "curriculum review" comment on a pull request.
// Used by .github/workflows/curriculum-review.yml and curriculum-review-comment.yml.
const fs = require('fs');

const MARKER = '<!-- cascade-curriculum-review -->';
const LIMIT = 60000; // GitHub comments hold at most 65536 characters

module.exports = async function post({ github, context, path, number }) {
  let body = fs.readFileSync(path, 'utf8');
  if (body.length > LIMIT) {
    body = body.slice(0, LIMIT) +
      '\n\n---\n\n*This summary is too long for one comment. The full summary is in the ' +
      '"review-summary" download of the "Curriculum review" check.*\n';
  }
  body = `${MARKER}\n${body}`;
  const { owner, repo } = context.repo;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner, repo, issue_number: number, per_page: 100,
  });
  const previous = comments.find(
    (c) => c.user && c.user.type === 'Bot' && (c.body || '').includes(MARKER));
  if (previous) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: previous.id, body });
  } else {
    await github.rest.issues.createComment({ owner, repo, issue_number: number, body });
  }
};
